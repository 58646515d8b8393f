"""Where the command-line client keeps its logins: one private JSON file in the user config dir.

The directory is ``$OURCHAT_CLIENT_CONFIG_DIR`` if set, else ``$XDG_CONFIG_HOME/ourchat``, else
``~/.config/ourchat``. It holds ``credentials.json`` (mode 0600): one login per server address
and which of them is current (the last one used to log in), and ``keys/<ocid>.pem`` (the
private key made at registration, mode 0600).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CONFIG_DIR_ENV = "OURCHAT_CLIENT_CONFIG_DIR"
CREDENTIALS_FILE = "credentials.json"


@dataclass(frozen=True)
class Profile:
    """A logged-in account on one server."""

    server: str
    token: str
    user_id: int
    ocid: str
    email: str | None = None


def config_dir() -> Path:
    """The client's configuration directory (not created)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "ourchat"


def credentials_path() -> Path:
    """The file holding the logins."""
    return config_dir() / CREDENTIALS_FILE


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only, replacing it atomically."""
    config_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _profile(server: str, data: dict[str, Any]) -> Profile:
    return Profile(
        server=server,
        token=str(data["token"]),
        user_id=int(data["user_id"]),
        ocid=str(data["ocid"]),
        email=data.get("email"),
    )


def _read() -> tuple[str | None, dict[str, Profile]]:
    """The current server and every stored login (nothing if the file is missing or bad)."""
    try:
        data = json.loads(credentials_path().read_text(encoding="utf-8"))
        if "logins" not in data:  # the earlier layout: a single login
            profile = _profile(str(data["server"]), data)
            return profile.server, {profile.server: profile}
        logins = {str(s): _profile(str(s), p) for s, p in data["logins"].items()}
        current = data.get("current")
        return (str(current) if current in logins else None), logins
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, {}


def _write(current: str | None, logins: dict[str, Profile]) -> Path:
    path = credentials_path()
    data = {
        "current": current,
        "logins": {
            server: {k: v for k, v in asdict(p).items() if k != "server"}
            for server, p in logins.items()
        },
    }
    write_private(path, (json.dumps(data, indent=2) + "\n").encode())
    return path


def current_server() -> str | None:
    """The server of the current login (the last one logged in to), if any."""
    return _read()[0]


def servers() -> list[str]:
    """Every server with a stored login."""
    return list(_read()[1])


def load(server: str | None = None) -> Profile | None:
    """The stored login for ``server`` (default: the current one), or None."""
    current, logins = _read()
    return logins.get(server or current or "")


def save(profile: Profile) -> Path:
    """Store ``profile`` as the login for its server and make it current; returns the file."""
    _, logins = _read()
    logins[profile.server] = profile
    return _write(profile.server, logins)


def remove(server: str | None = None) -> Path | None:
    """Forget the login for ``server`` (default: the current one).

    Returns:
        The credentials file it was removed from, or None if there was no such login.
    """
    current, logins = _read()
    target = server or current
    if target is None or target not in logins:
        return None
    del logins[target]
    path = credentials_path()
    if not logins:
        path.unlink()
        return path
    return _write(current if current in logins else next(iter(logins)), logins)


def private_key_path(ocid: str) -> Path:
    """Where an account's private key is kept."""
    return config_dir() / "keys" / f"{ocid}.pem"


def save_private_key(ocid: str, private_pem: bytes) -> Path:
    """Keep an account's private key (mode 0600); returns the file's path."""
    path = private_key_path(ocid)
    write_private(path, private_pem)
    return path


def load_private_key(ocid: str) -> bytes | None:
    """An account's private key (PEM), or None if this machine does not hold it."""
    try:
        return private_key_path(ocid).read_bytes()
    except OSError:
        return None
