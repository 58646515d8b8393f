"""End-to-end encrypted sessions for SDK users: room keys, their wrapping, and messages.

The scheme (``docs/e2ee.md``): a room key is 32 random bytes; it reaches each member wrapped
with RSA-OAEP (SHA-256) under the member's registered public key; a message's
``markdown_text`` is base64 of a 12-byte nonce followed by the AES-256-GCM ciphertext and tag.
The functions below are the scheme itself; :class:`E2EESession` plays it for one account.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ourchat._pb.service.ourchat.msg_delivery.v1.msg_delivery_pb2 import (
    FetchMsgsResponse,
    Msg,
    SendMsgResponse,
)
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import NewSessionResponse
from ourchat.client._client import OurChatClient
from ourchat.client._errors import OurChatRpcError
from ourchat.client._messages import FIRST_EVENT_WAIT_SECONDS, Backoff, DisconnectCallback
from ourchat.client._social import SessionValue

ROOM_KEY_BYTES = 32
NONCE_BYTES = 12
#: How an encrypted message is shown when none of the room keys held opens it.
UNREADABLE = "encrypted"

_OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class KeyFormatError(ValueError):
    """A public or private key that is not an RSA key in a supported encoding."""


def new_room_key() -> bytes:
    """A fresh random room key."""
    return os.urandom(ROOM_KEY_BYTES)


def load_public_key(data: bytes) -> rsa.RSAPublicKey:
    """Read a registered public key: SubjectPublicKeyInfo DER, PKCS#1 DER, or PEM text.

    Raises:
        KeyFormatError: not an RSA public key in one of those encodings.
    """
    loaders = (
        serialization.load_der_public_key,
        serialization.load_pem_public_key,
        lambda raw: serialization.load_der_public_key(_pkcs1_to_spki(raw)),
    )
    for loader in loaders:
        try:
            key = loader(data)
        except (ValueError, TypeError, IndexError):
            continue
        if isinstance(key, rsa.RSAPublicKey):
            return key
    raise KeyFormatError("not an RSA public key")


def _pkcs1_to_spki(der: bytes) -> bytes:
    """Wrap a PKCS#1 ``RSAPublicKey`` in a SubjectPublicKeyInfo (DER)."""
    algorithm = bytes.fromhex("300d06092a864886f70d0101010500")  # rsaEncryption, NULL
    bit_string = b"\x03" + _der_length(len(der) + 1) + b"\x00" + der
    body = algorithm + bit_string
    return b"\x30" + _der_length(len(body)) + body


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    """Read an account's private key (unencrypted PEM, as :func:`new_key_pair` makes it).

    Raises:
        KeyFormatError: not an RSA private key.
    """
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError("not a readable private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFormatError("not an RSA private key")
    return key


def wrap_room_key(room_key: bytes, public_key: bytes | rsa.RSAPublicKey) -> bytes:
    """``room_key`` encrypted with RSA-OAEP (SHA-256) for the holder of ``public_key``."""
    key = load_public_key(public_key) if isinstance(public_key, bytes) else public_key
    return key.encrypt(room_key, _OAEP)


def unwrap_room_key(wrapped: bytes, private_key: rsa.RSAPrivateKey) -> bytes | None:
    """The room key inside ``wrapped``, or None if it was not wrapped for this key."""
    try:
        room_key = private_key.decrypt(wrapped, _OAEP)
    except ValueError:
        return None
    return room_key if len(room_key) == ROOM_KEY_BYTES else None


def encrypt_text(room_key: bytes, text: str) -> str:
    """The ``markdown_text`` of an encrypted message: base64(nonce ‖ ciphertext ‖ tag)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(room_key).encrypt(nonce, text.encode(), None)
    return base64.b64encode(nonce + sealed).decode("ascii")


def decrypt_text(room_key: bytes, markdown_text: str) -> str | None:
    """The text of an encrypted message, or None if ``room_key`` does not open it."""
    try:
        raw = base64.b64decode(markdown_text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < NONCE_BYTES + 16:
        return None
    try:
        plain = AESGCM(room_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None)
        return plain.decode()
    except (InvalidTag, UnicodeDecodeError):
        return None


@dataclass
class _KeyRequest:
    """The server asked this account for a new room key (``update_room_key`` at ``msg_id``)."""

    msg_id: int
    members: dict[int, bytes] = field(default_factory=dict)
    #: The key made for it, once made; members listed later get it too.
    room_key: bytes | None = None
    sent_to: set[int] = field(default_factory=set)


class E2EESession:
    """End-to-end encryption for one logged-in account, across all its e2ee sessions.

    It keeps the room keys the account holds (every key ever held, newest last, per session)
    and the public keys it learned from the server's notices, answers the server's requests
    for new keys, makes a new key when a member joins, and encrypts and decrypts messages.

    Keys it makes are also sent to the account itself, so a new login rebuilds the whole key
    ring by replaying its events: start with :meth:`catch_up` (or iterate :meth:`events`,
    which does it), then pass every live event to :meth:`handle`.

    Args:
        client: a logged-in client (its ``user_id`` is known).
        private_key_pem: the account's private key (the one registered with its public key).
    """

    def __init__(self, client: OurChatClient, private_key_pem: bytes) -> None:
        if client.user_id is None:
            raise ValueError("the client must be logged in")
        self.client = client
        self.user_id: int = client.user_id
        self._private = load_private_key(private_key_pem)
        self._own_public = self._private.public_key()
        self._keys: dict[int, list[bytes]] = {}
        self._public_keys: dict[int, bytes] = {}
        self._requests: dict[int, _KeyRequest] = {}
        #: Events at or before this time (µs) are replay; None until the first catch-up.
        self._live_after_us: int | None = None
        #: The time of the newest event handled: where a later stream resumes.
        self.cursor_us = 0

    # Keys ------------------------------------------------------------------------------

    def room_key(self, session_id: int) -> bytes | None:
        """The newest room key held for a session (what :meth:`send` encrypts with)."""
        keys = self._keys.get(session_id)
        return keys[-1] if keys else None

    def room_keys(self, session_id: int) -> list[bytes]:
        """Every room key held for a session, oldest first."""
        return list(self._keys.get(session_id, ()))

    def _hold(self, session_id: int, room_key: bytes) -> None:
        keys = self._keys.setdefault(session_id, [])
        if room_key not in keys:
            keys.append(room_key)

    # Messages --------------------------------------------------------------------------

    def decrypt(self, msg: Msg) -> str:
        """A message's text: plaintext as is, encrypted text opened with a key held, else
        :data:`UNREADABLE`."""
        text = self.try_decrypt(msg)
        return UNREADABLE if text is None else text

    def try_decrypt(self, msg: Msg) -> str | None:
        """A message's text, or None for an encrypted message no key held opens."""
        if not msg.is_encrypted:
            return msg.markdown_text
        for room_key in reversed(self._keys.get(msg.session_id, ())):
            text = decrypt_text(room_key, msg.markdown_text)
            if text is not None:
                return text
        return None

    async def send(
        self, session_id: int, text: str, *, involved_files: Iterable[str] = ()
    ) -> SendMsgResponse:
        """Send ``text`` encrypted with the session's newest room key (made first if none)."""
        room_key = self.room_key(session_id) or await self.rotate(session_id)
        return await self.client.send_msg(
            session_id,
            encrypt_text(room_key, text),
            involved_files=involved_files,
            is_encrypted=True,
        )

    # Keys for members ------------------------------------------------------------------

    async def enable(self, session_id: int) -> None:
        """Turn encryption on for a session (E2eeizeSession; needs permission 14).

        The server answers with a request for the first key, which :meth:`handle` answers
        when the events arrive (a live stream, or the next :meth:`catch_up`).
        """
        await self.client.e2eeize_session(session_id=session_id)

    async def new_session(
        self,
        *,
        members: Iterable[int] = (),
        name: str | None = None,
        leave_message: str | None = None,
    ) -> NewSessionResponse:
        """Create an encrypted session (as :meth:`OurChatClient.new_session`).

        It is created plain and then switched on, so that the server hands this account
        every member's public key; the first key is made when that request is handled (a
        live stream, or the next :meth:`catch_up`). Invitees get a key when they accept.
        """
        created = await self.client.new_session(
            members=members, name=name, leave_message=leave_message
        )
        await self.enable(created.session_id)
        return created

    async def allow_join(self, session_id: int, user_id: int) -> None:
        """Approve a join request, then make a new key for everyone, the newcomer included."""
        await self.client.allow_user_join_session(
            session_id=session_id, user_id=user_id, accepted=True
        )
        await self.rotate(session_id)

    async def rotate(self, session_id: int, request: _KeyRequest | None = None) -> bytes:
        """Make a new room key and hand it to the members whose public keys are known.

        The members are the session's current ones (and those a server request lists); the
        key goes to this account too. Returns the new key.
        """
        room_key = new_room_key()
        self._hold(session_id, room_key)
        targets = dict(request.members) if request is not None else {}
        with contextlib.suppress(OurChatRpcError):
            info = await self.client.get_session_info(
                session_id=session_id, values=[SessionValue.Value("QUERY_VALUES_MEMBERS")]
            )
            for member in info.members:
                if member in self._public_keys:
                    targets.setdefault(member, self._public_keys[member])
        targets.pop(self.user_id, None)
        await self._hand_over(session_id, room_key, self.user_id, self._own_public)
        for member, public_key in targets.items():
            await self._hand_over(session_id, room_key, member, public_key)
        if request is not None:
            request.room_key = room_key
            request.sent_to.update(targets)
        return room_key

    async def _hand_over(
        self,
        session_id: int,
        room_key: bytes,
        member: int,
        public_key: bytes | rsa.RSAPublicKey,
    ) -> None:
        try:
            wrapped = wrap_room_key(room_key, public_key)
        except KeyFormatError:
            return
        with contextlib.suppress(OurChatRpcError):
            await self.client.send_room_key(session_id=session_id, user_id=member, room_key=wrapped)

    # Events ----------------------------------------------------------------------------

    def _is_live(self, event: FetchMsgsResponse) -> bool:
        return self._live_after_us is None or event.time.ToMicroseconds() > self._live_after_us

    async def handle(self, event: FetchMsgsResponse) -> None:
        """Take what an event says about room keys, answering live requests at once.

        Requests seen on replay are answered by :meth:`catch_up` once the replay is over,
        unless this account answered them already.
        """
        self.cursor_us = max(self.cursor_us, event.time.ToMicroseconds())
        variant = event.WhichOneof("respond_event_type")
        live = self._is_live(event)
        if variant == "receive_room_key":
            note = event.receive_room_key
            room_key = unwrap_room_key(note.room_key, self._private)
            if room_key is not None:
                self._hold(note.session_id, room_key)
                pending = self._requests.get(note.session_id)
                if (
                    note.user_id == self.user_id
                    and pending is not None
                    and pending.room_key is None
                    and pending.msg_id < event.msg_id
                ):
                    # Answered before this replay (by this account, maybe on another login).
                    del self._requests[note.session_id]
        elif variant == "update_room_key":
            request = _KeyRequest(event.msg_id)
            self._requests[event.update_room_key.session_id] = request
            if live:
                await self.rotate(event.update_room_key.session_id, request)
        elif variant == "send_room_key":
            await self._member_listed(event, live)
        elif variant == "join_session_approval":
            note_j = event.join_session_approval
            if note_j.HasField("public_key") and note_j.public_key:
                self._public_keys[note_j.user_id] = note_j.public_key
        elif variant == "accept_session_approval":
            note_a = event.accept_session_approval
            if note_a.accepted and note_a.HasField("public_key") and note_a.public_key:
                self._public_keys[note_a.invitee_id] = note_a.public_key
                if live:
                    await self.rotate(note_a.session_id)
        elif variant == "allow_user_join_session_notification":
            note_w = event.allow_user_join_session_notification
            if note_w.accepted and note_w.HasField("room_key"):
                room_key = unwrap_room_key(note_w.room_key, self._private)
                if room_key is not None:
                    self._hold(note_w.session_id, room_key)

    async def _member_listed(self, event: FetchMsgsResponse, live: bool) -> None:
        """A ``send_room_key``: one member the requested key is for."""
        note = event.send_room_key
        self._public_keys[note.sender] = note.public_key
        request = self._requests.get(note.session_id)
        if request is None or request.msg_id > event.msg_id:
            return
        request.members[note.sender] = note.public_key
        if live and request.room_key is not None and note.sender not in request.sent_to:
            request.sent_to.add(note.sender)
            await self._hand_over(note.session_id, request.room_key, note.sender, note.public_key)

    async def catch_up(
        self, *, idle: float = 0.5, first_wait: float = FIRST_EVENT_WAIT_SECONDS
    ) -> list[FetchMsgsResponse]:
        """Replay this account's events up to now, then answer the requests still open.

        The first call replays from the start; later calls go on from :attr:`cursor_us`. The
        replay is over after the first event newer than the server's clock when it began
        (that one is handled as live), or after ``idle`` seconds without an event (the first
        one may take ``first_wait`` seconds: a busy server starts the replay late).

        Returns:
            The events read, oldest first.
        """
        until = await self.client.server_time_us()
        replayed: list[FetchMsgsResponse] = []
        live_after, self._live_after_us = self._live_after_us, until
        try:
            replay = self.client.stored_events(
                self.cursor_us, until, idle=idle, first_wait=first_wait
            )
            async with contextlib.aclosing(replay):
                async for event in replay:
                    await self.handle(event)
                    replayed.append(event)
        except BaseException:
            self._live_after_us = live_after
            raise
        for session_id, request in list(self._requests.items()):
            if request.room_key is None:
                await self.rotate(session_id, request)
        return replayed

    async def events(
        self, *, backoff: Backoff | None = None, on_disconnect: DisconnectCallback | None = None
    ) -> AsyncGenerator[FetchMsgsResponse, None]:
        """Every event, like :meth:`OurChatClient.events`, with room keys handled on the way.

        It first catches up (the replayed events are yielded too), then follows the live
        stream from there, reconnecting as :meth:`OurChatClient.events` does.
        """
        for event in await self.catch_up():
            yield event
        live = self.client.events(self.cursor_us, backoff=backoff, on_disconnect=on_disconnect)
        async for event in live:
            await self.handle(event)
            yield event
