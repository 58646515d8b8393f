"""Server settings: defaults < TOML file < ``OURCHAT_*`` environment < command-line flags."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class Contact(BaseModel):
    """A support contact listed by BasicService.Support."""

    role: Literal["admin", "security"] = "admin"
    email_address: str | None = None
    ocid: str | None = None
    phone_number: str | None = None


class Settings(BaseSettings):
    """Every setting of an ourchat server process.

    Each field can be set in the TOML file given by ``--config`` (or ``OURCHAT_CONFIG``) and
    overridden by an ``OURCHAT_<NAME>`` environment variable; command-line flags win over both.
    """

    model_config = SettingsConfigDict(env_prefix="OURCHAT_", extra="forbid")

    # Settings given by an environment variable or a flag (see :func:`load_settings`).
    _pinned: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def pinned(self) -> frozenset[str]:
        """Settings set by an ``OURCHAT_*`` variable or a flag (stored changes do not win)."""
        return self._pinned

    @pinned.setter
    def pinned(self, names: frozenset[str]) -> None:
        self._pinned = frozenset(names)

    # Network
    host: str = "0.0.0.0"
    port: int = Field(
        default=7777, description="the one port: native gRPC, gRPC-Web and every HTTP route"
    )
    tls_cert_file: Path | None = Field(
        default=None, description="PEM certificate chain: the port speaks TLS (with tls_key_file)"
    )
    tls_key_file: Path | None = Field(default=None, description="PEM private key of tls_cert_file")
    http_requests_per_address_per_minute: float = Field(
        default=120, ge=0, description="sustained rate of plain HTTP requests of one client address"
    )
    http_requests_per_address_burst: int = Field(
        default=16, ge=1, description="plain HTTP requests one client address may make at once"
    )

    # Connections (see ourchat.server.app.grpc_options)
    max_pending_calls: int = Field(
        default=100_000,
        ge=1000,
        description="calls the gRPC core may hold before Python accepts them (bursts wait)",
    )
    pending_call_timeout_seconds: int = Field(
        default=120, ge=1, description="a call not accepted by then is cancelled by the core"
    )
    keepalive_time_seconds: int = Field(
        default=30, ge=1, description="ping a connection after this long without traffic"
    )
    keepalive_timeout_seconds: int = Field(
        default=10, ge=1, description="drop a connection whose ping is unanswered this long"
    )
    keepalive_min_client_ping_seconds: int = Field(
        default=10, ge=1, description="clients may send keepalive pings this often"
    )

    # Processes
    workers: int = Field(default=1, ge=1, description="server processes on one port (serve)")
    machine_id: int | None = Field(
        default=None, ge=0, le=1023, description="snowflake machine id; default: random"
    )

    # Storage
    data_dir: Path = Path("./ourchat-data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file in the data dir"
    )
    db_pool_size: int = 10
    db_max_overflow: int = 10
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="NORMAL",
        description="NORMAL survives process crashes; FULL also power loss (slower commits)",
    )

    # Delivery
    redis_url: str | None = None
    redis_channel_prefix: str = Field(
        default="ourchat", description="namespace of the bus channel, to share one Redis"
    )
    stream_queue_limit: int = Field(
        default=10_000, description="live events buffered per stream before it is ended"
    )
    fetch_msg_page_size: int = 2000
    max_streams_per_user: int = Field(
        default=32,
        ge=0,
        description="open FetchMsgs streams per user and process; the oldest ends (0: no limit)",
    )

    # Accounts and auth
    token_lifetime_seconds: int = 5 * 24 * 3600
    password_strength_limit: int = Field(default=1, ge=0, le=4)
    argon2_memory_kib: int = 19_456
    argon2_time_cost: int = 2
    password_hash_threads: int = Field(
        default=1, ge=1, description="threads hashing passwords (the rest of the CPU serves chat)"
    )
    max_password_length: int = Field(
        default=1024, ge=1, description="longest password Register and Auth accept (characters)"
    )
    lock_account_after_failed_logins: int = Field(
        default=5,
        ge=0,
        description="wrong passwords from one address before it is locked out (0: never)",
    )
    lock_account_after_failed_logins_per_account: int = Field(
        default=100,
        ge=0,
        description="wrong passwords from all addresses before the account locks (0: never)",
    )
    lock_account_duration_seconds: int = 15 * 60
    unregister_policy: Literal["disable", "delete"] = "disable"
    require_email_verification: bool = False
    verify_email_expiry_seconds: int = Field(
        default=300, gt=0, description="how long a verification link works"
    )
    public_base_url: str | None = Field(
        default=None, description="start of links in mails; default: http(s)://<host>:<port>"
    )
    friend_limit: int = 5000
    add_friend_request_expiry_seconds: int = 3 * 24 * 3600
    user_defined_status_ttl_seconds: int = 24 * 3600
    preset_user_status: list[str] = Field(default_factory=list)

    # Sessions
    verification_expire_time_seconds: int = 3 * 24 * 3600
    room_key_duration_seconds: int = Field(
        default=30 * 24 * 3600, gt=0, description="age at which an e2ee session's room key rotates"
    )

    # Calls (WebRTC rooms, GetVoipConfig)
    empty_room_keep_duration_seconds: float = Field(
        default=600.0, gt=0, description="a call room nobody is in for this long is removed"
    )
    stun_servers: list[str] = Field(
        default_factory=lambda: [
            "stun:stun.l.google.com:19302",
            "stun:stun1.l.google.com:19302",
        ]
    )
    turn_enabled: bool = False
    turn_server_url: str = ""
    turn_username: str = Field(default="", description="static TURN user (no shared secret)")
    turn_password: SecretStr | None = None
    turn_shared_secret: SecretStr | None = Field(
        default=None, description="TURN REST secret: per-user, time-limited credentials"
    )
    turn_ttl_seconds: int = Field(default=86400, gt=0, description="lifetime of TURN credentials")

    # Files
    files_dir: Path | None = Field(
        default=None, description="where file content lives; default: <data_dir>/files"
    )
    user_files_limit: int = Field(default=100 * 1024 * 1024, description="bytes per user")
    files_save_time_seconds: int = Field(
        default=10 * 24 * 3600, description="age at which auto_clean files are deleted"
    )
    upload_timeout_seconds: int = 3600
    upload_stall_timeout_seconds: float = Field(
        default=60.0, gt=0, description="a streamed Upload silent this long is ended"
    )
    max_concurrent_uploads: int = Field(
        default=4, ge=0, description="uploads in progress per user (0: no limit)"
    )
    upload_chunk_size: int = 512 * 1024
    download_chunk_size: int = 64 * 1024
    files_cleanup_interval_seconds: float = Field(
        default=300.0, description="how often expired files and uploads are removed"
    )
    files_orphan_grace_seconds: int = Field(
        default=3600, description="stored content without a row is removed at start-up after this"
    )

    # Rate limits (ourchat.domain.rate_limits; per process; a rate of 0 turns one off)
    send_msgs_per_user_per_minute: float = Field(
        default=600, ge=0, description="sustained SendMsg rate of one user"
    )
    send_msgs_per_user_burst: int = Field(
        default=120, ge=1, description="SendMsg calls one user may make at once"
    )
    auth_calls_per_address_per_minute: float = Field(
        default=120, ge=0, description="sustained Register/Auth/Verify rate of one client address"
    )
    auth_calls_per_address_burst: int = Field(
        default=60, ge=1, description="Register/Auth/Verify calls one address may make at once"
    )

    # Limits
    max_message_bytes: int = 16 * 1024
    max_involved_files: int = 32
    max_session_name_chars: int = 200

    # Mail (Verify); no smtp_host: Verify answers FAILED_PRECONDITION
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=True, description="require STARTTLS before sending")
    smtp_sender: str = Field(default="ourchat@localhost", description="From address")

    # Server identity shown to clients
    server_name: str | None = Field(default=None, description="overrides the generated server name")
    support_page: str | None = None
    contacts: list[Contact] = Field(default_factory=list)

    # Logging
    log_level: str = "INFO"

    # Process
    event_loop: Literal["auto", "uvloop", "asyncio"] = Field(
        default="auto",
        description="auto: uvloop where it is installed (faster), else asyncio's own loop",
    )

    # Server administration
    initial_admin_ocid: str | None = Field(
        default=None, description="account given the administrator role at every start"
    )
    server_state_poll_seconds: float = Field(
        default=1.0, gt=0, description="how often a process reads maintenance, bans and settings"
    )
    enable_metrics: bool = Field(
        default=True, description="GetMonitoringMetrics, GetHistoricalMetrics and snapshots"
    )
    metrics_snapshot_interval_seconds: float = Field(
        default=60.0, gt=0, description="how often one process stores a metrics snapshot"
    )
    metrics_retention_days: float = Field(
        default=30.0, gt=0, description="how long metrics snapshots are kept"
    )
    process_report_interval_seconds: float = Field(
        default=5.0, gt=0, description="how often each process reports its streams and pools"
    )

    @model_validator(mode="after")
    def _tls_files_together(self) -> Settings:
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("tls_cert_file and tls_key_file go together: set both or neither")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``ourchat.db`` inside the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'ourchat.db').resolve()}"

    @property
    def resolved_public_base_url(self) -> str:
        """Where the HTTP routes are reached from outside, without a trailing slash."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        scheme = "https" if self.tls_cert_file is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def resolved_files_dir(self) -> Path:
        """Where file content lives, defaulting to ``files`` inside the data dir."""
        return self.files_dir if self.files_dir is not None else self.data_dir / "files"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init) win over the environment, which wins over the TOML file."""
        return (init_settings, env_settings, _TomlSource(settings_cls))


class _TomlSource(PydanticBaseSettingsSource):
    """Reads the TOML file named by the ``_config_file`` init value or ``OURCHAT_CONFIG``."""

    path: Path | None = None

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = _TomlSource.path
        if path is None:
            return {}
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        return dict(data.get("ourchat", data))


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from an optional TOML file, the environment and explicit overrides.

    Args:
        config_file: TOML file; its keys may sit at top level or under an ``[ourchat]`` table.
        overrides: values from command-line flags; ``None`` values are ignored.

    Returns:
        The validated settings.
    """
    import os

    if config_file is None and os.environ.get("OURCHAT_CONFIG"):
        config_file = Path(os.environ["OURCHAT_CONFIG"])
    _TomlSource.path = config_file
    flags = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**flags)
    finally:
        _TomlSource.path = None
    from_env = {n for n in Settings.model_fields if f"OURCHAT_{n.upper()}" in os.environ}
    settings.pinned = frozenset(from_env | set(flags))
    return settings
