"""The error tree: every refusal ourchat sends is one of these, carrying its gRPC status code.

    OurChatError                 base; ``code`` and ``detail``
    ├── InvalidArgument          INVALID_ARGUMENT
    ├── Unauthenticated          UNAUTHENTICATED
    ├── PermissionDenied         PERMISSION_DENIED
    ├── NotFound                 NOT_FOUND
    ├── AlreadyExists            ALREADY_EXISTS
    ├── ResourceExhausted        RESOURCE_EXHAUSTED
    ├── FailedPrecondition       FAILED_PRECONDITION
    ├── DeadlineExceeded         DEADLINE_EXCEEDED
    ├── Unavailable              UNAVAILABLE
    ├── Unimplemented            UNIMPLEMENTED
    └── Internal                 INTERNAL

Details always come from :mod:`ourchat.details`. Only the server's error interceptor turns
these into a gRPC status; any other exception becomes ``INTERNAL "Server Error"``.
"""

from __future__ import annotations

from typing import ClassVar

import grpc

from ourchat import details


class OurChatError(Exception):
    """A refusal with a fixed gRPC status code and an exact detail string."""

    code: ClassVar[grpc.StatusCode] = grpc.StatusCode.UNKNOWN

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class InvalidArgument(OurChatError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class Unauthenticated(OurChatError):
    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(OurChatError):
    code = grpc.StatusCode.PERMISSION_DENIED


class NotFound(OurChatError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(OurChatError):
    code = grpc.StatusCode.ALREADY_EXISTS


class ResourceExhausted(OurChatError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(OurChatError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class DeadlineExceeded(OurChatError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class Unavailable(OurChatError):
    code = grpc.StatusCode.UNAVAILABLE


class Unimplemented(OurChatError):
    code = grpc.StatusCode.UNIMPLEMENTED

    def __init__(self, detail: str = details.NOT_IMPLEMENTED) -> None:
        super().__init__(detail)


class Internal(OurChatError):
    code = grpc.StatusCode.INTERNAL

    def __init__(self, detail: str = details.SERVER_ERROR) -> None:
        super().__init__(detail)
