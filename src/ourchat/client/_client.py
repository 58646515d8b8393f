"""The asyncio client: one class with a typed method per RPC, on top of calls by name."""

from __future__ import annotations

from ourchat.client._accounts import AccountsMixin
from ourchat.client._admin import AdminMixin
from ourchat.client._calls import CallsMixin
from ourchat.client._files import FilesMixin
from ourchat.client._messages import MessagesMixin
from ourchat.client._social import SocialMixin


class OurChatClient(AccountsMixin, SocialMixin, MessagesMixin, FilesMixin, CallsMixin, AdminMixin):
    """A connection to one OurChat server, optionally logged in.

    Use it as an async context manager (or call :meth:`close`)::

        async with OurChatClient("127.0.0.1:7777") as client:
            await client.login("secret", email="me@example.com")
            await client.send_msg(session_id, "hello")
            async for event in client.events():
                ...

    Every method raises an :class:`~ourchat.client.OurChatRpcError` subclass when the server
    refuses the call; its ``detail`` is the server's exact message. Any RPC, including ones
    without a typed method, can be called by name with :meth:`call`, :meth:`stream` and
    :meth:`call_streaming`.

    Args:
        target: ``host:port`` of the server.
        token: a token from an earlier login, to call authenticated methods right away.
    """

    async def __aenter__(self) -> OurChatClient:
        return self
