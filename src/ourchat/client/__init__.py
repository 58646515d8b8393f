"""The ourchat Python SDK: an asyncio client for any OurChat server, with typed errors.

Start with :class:`OurChatClient`; every failed call raises an :class:`OurChatRpcError`
subclass carrying the server's detail string.
"""

from __future__ import annotations

from ourchat.client._accounts import ALL_ACCOUNT_VALUES, PUBLIC_ACCOUNT_VALUES, AccountValue
from ourchat.client._admin import MonitoringMetrics, ServerPermission, UserPage
from ourchat.client._aiortc import AiortcPeer, rtc_configuration
from ourchat.client._call import Call, IceCandidate, Peer, PeerFactory, SessionDescription
from ourchat.client._calls import SignalType
from ourchat.client._client import OurChatClient
from ourchat.client._e2ee import (
    UNREADABLE,
    E2EESession,
    KeyFormatError,
    decrypt_text,
    encrypt_text,
    load_private_key,
    load_public_key,
    new_room_key,
    unwrap_room_key,
    wrap_room_key,
)
from ourchat.client._errors import (
    AlreadyExistsError,
    DeadlineExceededError,
    FailedPreconditionError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    OurChatRpcError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    UnavailableError,
    UnimplementedError,
)
from ourchat.client._files import DEFAULT_CHUNK_SIZE, ProgressCallback, file_hash
from ourchat.client._keys import KeyPair, new_key_pair
from ourchat.client._messages import FIRST_EVENT_WAIT_SECONDS, Backoff, DisconnectCallback, Event
from ourchat.client._social import ALL_SESSION_VALUES, SessionInfo, SessionValue

__all__ = [
    "ALL_ACCOUNT_VALUES",
    "ALL_SESSION_VALUES",
    "DEFAULT_CHUNK_SIZE",
    "FIRST_EVENT_WAIT_SECONDS",
    "PUBLIC_ACCOUNT_VALUES",
    "UNREADABLE",
    "AccountValue",
    "AiortcPeer",
    "AlreadyExistsError",
    "Backoff",
    "Call",
    "DeadlineExceededError",
    "DisconnectCallback",
    "E2EESession",
    "Event",
    "FailedPreconditionError",
    "IceCandidate",
    "InternalError",
    "InvalidArgumentError",
    "KeyFormatError",
    "KeyPair",
    "MonitoringMetrics",
    "NotFoundError",
    "OurChatClient",
    "OurChatRpcError",
    "Peer",
    "PeerFactory",
    "PermissionDeniedError",
    "ProgressCallback",
    "ResourceExhaustedError",
    "ServerPermission",
    "SessionDescription",
    "SessionInfo",
    "SessionValue",
    "SignalType",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "UserPage",
    "decrypt_text",
    "encrypt_text",
    "file_hash",
    "load_private_key",
    "load_public_key",
    "new_key_pair",
    "new_room_key",
    "rtc_configuration",
    "unwrap_room_key",
    "wrap_room_key",
]
