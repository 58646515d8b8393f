"""SDK methods for accounts and the server itself: register, log in, profile, basic service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import cast

from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest, AuthResponse
from ourchat._pb.service.auth.email_verify.v1.email_verify_pb2 import (
    VerifyRequest,
    VerifyResponse,
)
from ourchat._pb.service.auth.register.v1.register_pb2 import RegisterRequest, RegisterResponse
from ourchat._pb.service.basic.preset_user_status.v1.preset_user_status_pb2 import (
    GetPresetUserStatusRequest,
    GetPresetUserStatusResponse,
)
from ourchat._pb.service.basic.server.v1.server_pb2 import GetServerInfoResponse
from ourchat._pb.service.basic.support.v1.support_pb2 import SupportRequest, SupportResponse
from ourchat._pb.service.basic.v1.basic_pb2 import (
    GetIdRequest,
    GetIdResponse,
    GetServerInfoRequest,
    PingRequest,
    TimestampRequest,
    TimestampResponse,
)
from ourchat._pb.service.ourchat.get_account_info.v1 import get_account_info_pb2 as account_pb
from ourchat._pb.service.ourchat.set_account_info.v1.set_account_info_pb2 import (
    SetSelfInfoRequest,
    SetSelfInfoResponse,
)
from ourchat._pb.service.ourchat.unregister.v1.unregister_pb2 import (
    UnregisterRequest,
    UnregisterResponse,
)
from ourchat.client._base import BaseClient

#: The ``GetAccountInfo`` query values (``AccountValue.QUERY_VALUES_USER_NAME`` ...).
AccountValue = account_pb.QueryValues

#: Values anyone may read about any user.
PUBLIC_ACCOUNT_VALUES: tuple[int, ...] = (
    account_pb.QUERY_VALUES_OCID,
    account_pb.QUERY_VALUES_USER_NAME,
    account_pb.QUERY_VALUES_DISPLAY_NAME,
    account_pb.QUERY_VALUES_STATUS,
    account_pb.QUERY_VALUES_AVATAR_KEY,
    account_pb.QUERY_VALUES_REGISTER_TIME,
    account_pb.QUERY_VALUES_PUBLIC_UPDATED_TIME,
)
#: Every value, for one's own account.
ALL_ACCOUNT_VALUES: tuple[int, ...] = tuple(
    v for v in account_pb.QueryValues.values() if v != account_pb.QUERY_VALUES_UNSPECIFIED
)


class AccountsMixin(BaseClient):
    """Registering, logging in, one's profile, and the server's public information."""

    # Auth ------------------------------------------------------------------------------

    async def register(
        self, email: str, password: str, name: str, public_key: bytes
    ) -> RegisterResponse:
        """Create an account; on success this client is logged in as it.

        Args:
            email: the account's e-mail address (unique).
            password: its password (must be strong enough for the server).
            name: the user name shown to others.
            public_key: an RSA public key (DER or PEM); see :func:`new_key_pair`.

        Returns:
            The new account's ``id``, ``ocid`` and ``token`` (empty when the server first
            requires the e-mail address to be verified).
        """
        response: RegisterResponse = await self.call(
            "Register",
            RegisterRequest(email=email, password=password, name=name, public_key=public_key),
        )
        self.token, self.user_id, self.ocid = response.token or None, response.id, response.ocid
        return response

    async def login(
        self, password: str, *, email: str | None = None, ocid: str | None = None
    ) -> AuthResponse:
        """Log in by e-mail or ocid; on success this client uses the new token.

        Returns:
            The ``token``, ``id`` and ``ocid`` of the account.
        """
        request = AuthRequest(password=password)
        if email is not None:
            request.email = email
        if ocid is not None:
            request.ocid = ocid
        response: AuthResponse = await self.call("Auth", request)
        self.token, self.user_id, self.ocid = response.token, response.id, response.ocid
        return response

    def verify_email(self, email: str) -> AsyncIterator[VerifyResponse]:
        """Ask the server to mail a verification link; yields once the link is followed."""
        return self.stream("Verify", VerifyRequest(email=email))

    # Own account -----------------------------------------------------------------------

    async def get_account_info(
        self, *, user_id: int | None = None, values: Iterable[int] | None = None
    ) -> account_pb.GetAccountInfoResponse:
        """Read values of one's own account, or public values of another user.

        Args:
            user_id: whom to ask about (default: oneself).
            values: :data:`AccountValue` numbers; default: every value for oneself, the public
                ones (:data:`PUBLIC_ACCOUNT_VALUES`) for someone else.
        """
        if values is None:
            values = ALL_ACCOUNT_VALUES if user_id is None else PUBLIC_ACCOUNT_VALUES
        request = account_pb.GetAccountInfoRequest(request_values=list(values))  # type: ignore[arg-type]
        if user_id is not None:
            request.id = user_id
        return cast("account_pb.GetAccountInfoResponse", await self.call("GetAccountInfo", request))

    async def set_self_info(
        self,
        *,
        user_name: str | None = None,
        avatar_key: str | None = None,
        status: str | None = None,
        ocid: str | None = None,
    ) -> SetSelfInfoResponse:
        """Change one's name, avatar, status text or ocid (only the values given)."""
        request = SetSelfInfoRequest(
            user_name=user_name, avatar_key=avatar_key, user_defined_status=status, ocid=ocid
        )
        return cast("SetSelfInfoResponse", await self.call("SetSelfInfo", request))

    async def unregister(self) -> UnregisterResponse:
        """Delete one's own account; the token stops working."""
        return cast("UnregisterResponse", await self.call("Unregister", UnregisterRequest()))

    # Basic service (no login needed) ----------------------------------------------------

    async def server_time_us(self) -> int:
        """The server's current time in microseconds since the epoch."""
        response: TimestampResponse = await self.call("Timestamp", TimestampRequest())
        return response.timestamp.ToMicroseconds()

    async def get_server_info(self) -> GetServerInfoResponse:
        """The server's name, version, unique identifier and running status."""
        return cast(
            "GetServerInfoResponse", await self.call("GetServerInfo", GetServerInfoRequest())
        )

    async def get_id(self, ocid: str) -> int:
        """The user id of an ocid.

        Raises:
            NotFoundError: "User Not Found".
        """
        response: GetIdResponse = await self.call("GetId", GetIdRequest(ocid=ocid))
        return response.id

    async def support(self) -> SupportResponse:
        """The server's support contacts and page."""
        return cast("SupportResponse", await self.call("Support", SupportRequest()))

    async def preset_user_statuses(self) -> list[str]:
        """The status texts the server suggests."""
        response: GetPresetUserStatusResponse = await self.call(
            "GetPresetUserStatus", GetPresetUserStatusRequest()
        )
        return list(response.contents)

    async def ping(self, *, timeout: float | None = None) -> None:
        """Check that the server answers."""
        await self.call("Ping", PingRequest(), timeout=timeout)
