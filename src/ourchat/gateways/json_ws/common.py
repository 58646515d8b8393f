"""Steps every version shares: logging in, registering, sending, catching up."""

from __future__ import annotations

from ourchat import details
from ourchat._pb.service.auth.authorize.v1.authorize_pb2 import AuthRequest
from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import SendMsgRequest
from ourchat.domain.accounts import Registered
from ourchat.errors import NotFound, OurChatError
from ourchat.gateways import accounts, calls, directory
from ourchat.gateways.json_ws.connection import Connection
from ourchat.gateways.markdown import Item, to_markdown
from ourchat.rpc.auth import auth
from ourchat.rpc.msg_delivery import send_msg

AUTH = calls.AUTH + "Auth"
SEND_MSG = calls.OURCHAT + "SendMsg"

#: Login refusals a client reads as "wrong account or password".
CREDENTIAL_DETAILS = frozenset(
    {
        details.USER_NOT_FOUND,
        details.WRONG_PASSWORD,
        details.ACCOUNT_LOCKED,
        details.USER_BANNED,
        details.ACCOUNT_DELETED,
        details.EMAIL_NOT_VERIFIED,
    }
)


def since_point(conn: Connection, since: tuple[int, int] | None) -> tuple[int, int]:
    """``(since_us, after_id)`` for the push: a login's ``since`` or, without one, now.

    ``since`` is the ``time`` (seconds) of the last event the client saw: events from the
    start of that second are replayed and those up to ``since_id`` skipped, so nothing is lost
    to the seconds' rounding and, given ``since_id``, nothing is repeated.
    """
    if since is None:
        return conn.deps.bus.fanout.newest_time_us, 0
    seconds, after_id = since
    return max(seconds * 1_000_000 - 1, 0), after_id


async def log_in(
    conn: Connection,
    *,
    email: str | None,
    ocid: str | None,
    password: str,
    since: tuple[int, int] | None,
) -> str:
    """Log the connection in and start its push; returns the account's ocid.

    Raises:
        OurChatError: Auth's refusal (the connection stays logged out).
    """
    request = AuthRequest(password=password)
    if email is not None:
        request.email = email
    else:
        request.ocid = ocid or ""
    try:
        done = await conn.call(AUTH, auth.handle, request, authenticated=False)
    except OurChatError as exc:
        if exc.detail == details.EMAIL_NOT_VERIFIED and email is not None:
            conn.verifying_email = email
        raise
    since_us, after_id = since_point(conn, since)
    conn.log_in(
        token=done.token, user_id=done.id, ocid=done.ocid, since_us=since_us, after_id=after_id
    )
    return str(done.ocid)


async def register(conn: Connection, *, email: str, password: str, name: str) -> Registered:
    """Register an account (no public key); logs the connection in when a token was issued.

    With e-mail verification required no token is issued: the connection stays logged out
    and the verification codes apply to ``email``.
    """
    created = await accounts.register(
        conn.deps, email=email, password=password, name=name, address=conn.address
    )
    if created.token:
        since_us, after_id = since_point(conn, None)
        conn.log_in(
            token=created.token,
            user_id=created.user_id,
            ocid=created.ocid,
            since_us=since_us,
            after_id=after_id,
        )
    else:
        conn.verifying_email = email
    return created


async def send(conn: Connection, session_id: int, items: list[Item]) -> int:
    """Send a message made of ``items`` to a session; returns its msg_id."""
    markdown_text, keys = to_markdown(items)
    request = SendMsgRequest(
        session_id=session_id, markdown_text=markdown_text, involved_files=keys
    )
    return int((await conn.call(SEND_MSG, send_msg.handle, request)).msg_id)


async def user_id_of(conn: Connection, ocid: str) -> int:
    """The id of an active account by ocid.

    Raises:
        NotFound: "User Not Found".
    """
    found = await directory.user_id_of(conn.deps, ocid)
    if found is None:
        raise NotFound(details.USER_NOT_FOUND)
    return found
