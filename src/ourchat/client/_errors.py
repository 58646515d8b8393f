"""Typed SDK errors: every failed call raises one, carrying the server's code and detail.

OurChatRpcError
├── InvalidArgumentError, UnauthenticatedError, PermissionDeniedError, NotFoundError,
├── AlreadyExistsError, ResourceExhaustedError, FailedPreconditionError,
└── DeadlineExceededError, UnavailableError, UnimplementedError, InternalError
"""

from __future__ import annotations

import grpc


class OurChatRpcError(Exception):
    """A call the server refused or could not complete."""

    def __init__(self, code: grpc.StatusCode, detail: str) -> None:
        super().__init__(f"{code.name}: {detail}")
        self.code = code
        self.detail = detail


class InvalidArgumentError(OurChatRpcError):
    """The request broke a rule (detail says which)."""


class UnauthenticatedError(OurChatRpcError):
    """No valid token, or the account cannot log in."""


class PermissionDeniedError(OurChatRpcError):
    """The caller may not do this."""


class NotFoundError(OurChatRpcError):
    """The thing named does not exist."""


class AlreadyExistsError(OurChatRpcError):
    """The thing to create exists already."""


class ResourceExhaustedError(OurChatRpcError):
    """A quota or limit was reached."""


class FailedPreconditionError(OurChatRpcError):
    """The server is not in a state to do this."""


class DeadlineExceededError(OurChatRpcError):
    """Time ran out."""


class UnavailableError(OurChatRpcError):
    """The server (or its delivery) is unavailable; retry or reconnect."""


class UnimplementedError(OurChatRpcError):
    """The server does not implement this call."""


class InternalError(OurChatRpcError):
    """The server failed."""


_BY_CODE: dict[grpc.StatusCode, type[OurChatRpcError]] = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.UNIMPLEMENTED: UnimplementedError,
    grpc.StatusCode.INTERNAL: InternalError,
}


def from_rpc_error(error: grpc.aio.AioRpcError) -> OurChatRpcError:
    """The typed error for a failed gRPC call."""
    code = error.code()
    return _BY_CODE.get(code, OurChatRpcError)(code, error.details() or "")
