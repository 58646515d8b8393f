"""Everything a request handler may use, built once per process by the server that runs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ourchat.clock import Clock
from ourchat.config import Settings
from ourchat.delivery.bus import Bus
from ourchat.domain.active_accounts import ActiveAccounts
from ourchat.domain.last_seen import LastSeen
from ourchat.domain.passwords import Passwords
from ourchat.domain.process_info import ProcessInfo
from ourchat.domain.rate_limits import RateLimits
from ourchat.domain.server_identity import ServerIdentity
from ourchat.domain.shared_state import SharedState
from ourchat.domain.tokens import TokenIssuer
from ourchat.domain.verification import VerificationWaiters
from ourchat.files.store import FileStore
from ourchat.snowflake import SnowflakeGenerator
from ourchat.storage.engine import Database

if TYPE_CHECKING:
    # Domain modules import Deps; importing them here at run time would be circular.
    from ourchat.domain.send_batcher import SendBatcher


@dataclass
class Deps:
    """The explicit dependencies of every RPC handler."""

    settings: Settings
    db: Database
    bus: Bus
    clock: Clock
    identity: ServerIdentity
    tokens: TokenIssuer
    passwords: Passwords
    ids: SnowflakeGenerator
    file_store: FileStore
    sends: SendBatcher
    active_accounts: ActiveAccounts = field(default_factory=ActiveAccounts)
    verifications: VerificationWaiters = field(default_factory=VerificationWaiters)
    shared: SharedState = field(default_factory=SharedState)
    last_seen: LastSeen = field(default_factory=LastSeen)
    process: ProcessInfo = field(default_factory=ProcessInfo)
    limits: RateLimits = field(default_factory=RateLimits)
