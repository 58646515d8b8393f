"""Settings at run time: GetConfig's redacted TOML, SetConfig's validated, stored changes.

Where a setting's value comes from, lowest first: its default, the TOML file, a change stored
by SetConfig (in the database, so every process and every restart sees it), an ``OURCHAT_*``
environment variable, a command-line flag. A setting pinned by the environment or a flag is
still stored by SetConfig, but only takes effect once the pin is gone.

Settings in :data:`LIVE_SETTINGS` are read by the code that uses them at each use, so a change
reaches every process within ``server_state_poll_seconds``; the others are used to build
long-lived parts of a process (ports, pools, the bus, hashing threads...) and take effect at the
next start (``restart_reasons``). :data:`FILE_ONLY_SETTINGS` locate the database or identify a
process and cannot be stored in the database at all.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, SecretStr, ValidationError

from ourchat.config import Settings
from ourchat.deps import Deps
from ourchat.errors import InvalidArgument
from ourchat.storage import server_state as state_store

log = logging.getLogger(__name__)

REDACTED = "<redacted>"

#: Settings that change on every running process as soon as they are stored.
LIVE_SETTINGS: frozenset[str] = frozenset(
    {
        "fetch_msg_page_size",
        "password_strength_limit",
        "lock_account_after_failed_logins",
        "lock_account_duration_seconds",
        "unregister_policy",
        "require_email_verification",
        "verify_email_expiry_seconds",
        "public_base_url",
        "smtp_host",
        "smtp_port",
        "smtp_username",
        "smtp_password",
        "smtp_starttls",
        "smtp_sender",
        "friend_limit",
        "add_friend_request_expiry_seconds",
        "user_defined_status_ttl_seconds",
        "preset_user_status",
        "verification_expire_time_seconds",
        "room_key_duration_seconds",
        "user_files_limit",
        "files_save_time_seconds",
        "upload_timeout_seconds",
        "upload_chunk_size",
        "download_chunk_size",
        "max_message_bytes",
        "max_involved_files",
        "max_session_name_chars",
        "support_page",
        "contacts",
        "log_level",
        "server_state_poll_seconds",
        "enable_metrics",
        "metrics_snapshot_interval_seconds",
        "metrics_retention_days",
        "process_report_interval_seconds",
        "empty_room_keep_duration_seconds",
        "stun_servers",
        "turn_enabled",
        "turn_server_url",
        "turn_username",
        "turn_password",
        "turn_shared_secret",
        "turn_ttl_seconds",
    }
)

#: Settings that say where the database is or which process this is: config file only.
FILE_ONLY_SETTINGS: frozenset[str] = frozenset(
    {"database_url", "data_dir", "machine_id", "workers"}
)

_SECRET_NAME = re.compile(r"password|secret|credential", re.IGNORECASE)
_URL_PASSWORD = re.compile(
    r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)(?P<pw>[^@]*)(?P<tail>@.*)$"
)


def _plain(value: Any) -> Any:
    """A setting's value as TOML/JSON-friendly data (secrets revealed)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, BaseModel):
        return {k: _plain(v) for k, v in value.model_dump().items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _redacted(name: str, value: Any) -> Any:
    """``value`` with any secret in it replaced by :data:`REDACTED`."""
    if isinstance(value, SecretStr):
        return REDACTED
    plain = _plain(value)
    if isinstance(plain, str):
        if _SECRET_NAME.search(name):
            return REDACTED
        match = _URL_PASSWORD.match(plain)
        if match and match.group("pw"):
            return f"{match.group('head')}{REDACTED}{match.group('tail')}"
    return plain


def as_toml(settings: Settings, notes: Mapping[str, str] | None = None) -> str:
    """The settings as a TOML config file, secrets redacted; unset ones listed as comments."""
    values: dict[str, Any] = {}
    unset: list[str] = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            unset.append(name)
        else:
            values[name] = _redacted(name, value)
    text = tomli_w.dumps(values)
    lines = []
    if unset:
        lines.append(f"# not set: {', '.join(unset)}")
    for name, note in (notes or {}).items():
        lines.append(f"# {name}: {note}")
    return text + ("\n" + "\n".join(lines) + "\n" if lines else "")


def effective(base: Settings, overrides: Mapping[str, Any], pinned: frozenset[str]) -> Settings:
    """``base`` with the stored ``overrides`` of settings not pinned, validated.

    Raises:
        ValidationError: a value breaks a rule of :class:`Settings`.
    """
    data = {name: getattr(base, name) for name in Settings.model_fields}
    data.update({k: v for k, v in overrides.items() if k not in pinned and k in data})
    result = Settings.model_validate(data)
    result.pinned = base.pinned
    return result


def decode_overrides(stored: Mapping[str, str]) -> dict[str, Any]:
    """Stored overrides (JSON text) as values; unknown or unreadable ones are skipped."""
    values = {}
    for key, text in stored.items():
        if key not in Settings.model_fields or key in FILE_ONLY_SETTINGS:
            log.warning("ignoring stored setting %r (not a setting this version knows)", key)
            continue
        try:
            values[key] = json.loads(text)
        except ValueError:
            log.warning("ignoring stored setting %r (unreadable value)", key)
    return values


def at_start(base: Settings, stored: Mapping[str, str]) -> Settings:
    """The settings a process starts with: ``base`` plus every stored override not pinned.

    A stored override that no longer validates (say, after an upgrade) is skipped and logged.
    """
    overrides = decode_overrides(stored)
    try:
        return effective(base, overrides, base.pinned)
    except ValidationError as exc:
        log.error("stored settings are invalid (%s); starting without them", _reason(exc))
        return base


def live_update(running: Settings, stored: Mapping[str, str]) -> Settings:
    """``running`` with the live settings taken from the stored overrides."""
    overrides = decode_overrides(stored)
    live = {k: v for k, v in overrides.items() if k in LIVE_SETTINGS}
    try:
        return effective(running, live, running.pinned)
    except ValidationError as exc:
        log.error("stored settings are invalid (%s); keeping the running ones", _reason(exc))
        return running


def apply_side_effects(old: Settings, new: Settings) -> None:
    """Make live settings that are not simply read at each use take effect."""
    if old.log_level != new.log_level:
        logging.getLogger().setLevel(new.log_level.upper())


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "value"
        parts.append(f"'{where}': {error['msg']}")
    return "Invalid value for " + "; ".join(parts)


@dataclass(frozen=True)
class ConfigChange:
    """What SetConfig did."""

    changed: list[str]
    restart_reasons: list[str]
    pinned: list[str]

    @property
    def message(self) -> str:
        """A sentence for the operator."""
        if not self.changed:
            return "Nothing changed: every value given is already in effect."
        parts = []
        if self.restart_reasons:
            parts.append(
                "Configuration updated. Server restart required for: "
                + ", ".join(self.restart_reasons)
            )
        else:
            parts.append("Configuration updated successfully. Changes applied immediately.")
        if self.pinned:
            parts.append(
                "Stored but not in effect, pinned by an environment variable or flag: "
                + ", ".join(f"'{k}'" for k in self.pinned)
            )
        return " ".join(parts)


def parse_fragment(content: str) -> dict[str, Any]:
    """The settings a SetConfig TOML fragment names (keys at top level or under [ourchat]).

    Raises:
        InvalidArgument: not TOML, an unknown setting, or one only the config file may set.
    """
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidArgument(f"Invalid TOML: {exc}") from None
    if set(data) == {"ourchat"} and isinstance(data["ourchat"], dict):
        data = data["ourchat"]
    for key in data:
        if key not in Settings.model_fields:
            raise InvalidArgument(f"Unknown setting '{key}'")
        if key in FILE_ONLY_SETTINGS:
            raise InvalidArgument(
                f"Setting '{key}' can only be set in the config file, the environment or a flag"
            )
    return data


async def set_config(deps: Deps, *, caller_id: int, content: str) -> ConfigChange:
    """Validate a TOML fragment against every start-up rule, store it, apply what is live.

    Raises:
        InvalidArgument: unreadable TOML, unknown or file-only settings, or an invalid value
            (nothing is stored then).
    """
    from ourchat.domain import state_sync

    wanted = parse_fragment(content)
    running = deps.settings
    pinned = running.pinned
    async with deps.db.read() as conn:
        stored = decode_overrides(await state_store.overrides(conn))
    base = deps.shared.base_settings or running
    try:
        # Validated as a whole, pins ignored, so a pinned value is checked too.
        candidate = effective(base, {**stored, **wanted}, frozenset())
    except ValidationError as exc:
        raise InvalidArgument(_reason(exc)) from None
    changed = [k for k in wanted if _plain(getattr(candidate, k)) != _plain(getattr(running, k))]
    values = {k: json.dumps(_plain(getattr(candidate, k))) for k in wanted}
    if values:
        async with deps.db.write() as conn:
            await state_store.put_overrides(conn, values, now_us=deps.clock.now_us(), by=caller_id)
    await state_sync.refresh(deps)
    reasons = [
        f"Field '{k}' requires restart"
        for k in changed
        if k not in LIVE_SETTINGS and k not in pinned
    ]
    log.info("settings changed by user %d: %s", caller_id, ", ".join(changed) or "(none)")
    return ConfigChange(
        changed=changed, restart_reasons=reasons, pinned=[k for k in changed if k in pinned]
    )


def get_config(deps: Deps) -> str:
    """The running settings as TOML, secrets redacted, with notes on pending changes."""
    running = deps.settings
    notes: dict[str, str] = {}
    for name in sorted(running.pinned):
        notes[name] = "pinned by an environment variable or flag"
    stored = deps.shared.stored_overrides
    for name, value in sorted(stored.items()):
        if name in LIVE_SETTINGS or name in running.pinned or name not in Settings.model_fields:
            continue
        if value != _plain(getattr(running, name)):
            shown = _redacted(name, value)
            notes[name] = f"changed to {json.dumps(shown)}, in effect after a restart"
    return as_toml(running, notes)
