"""Where the command-line client keeps its login: one private JSON file in the user config dir.

The directory is ``$OURCHAT_CLIENT_CONFIG_DIR`` if set, else ``$XDG_CONFIG_HOME/ourchat``, else
``~/.config/ourchat``. It holds ``credentials.json`` (server address and token, mode 0600)
and ``keys/<ocid>.pem`` (the private key made at registration, mode 0600).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

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
    """The file holding the current login."""
    return config_dir() / CREDENTIALS_FILE


def _write_private(path: Path, data: bytes) -> None:
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


def load() -> Profile | None:
    """The stored login, or None if there is none (or it is unreadable)."""
    try:
        data = json.loads(credentials_path().read_text(encoding="utf-8"))
        return Profile(
            server=str(data["server"]),
            token=str(data["token"]),
            user_id=int(data["user_id"]),
            ocid=str(data["ocid"]),
            email=data.get("email"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(profile: Profile) -> Path:
    """Store ``profile`` as the current login (mode 0600); returns the file's path."""
    path = credentials_path()
    _write_private(path, (json.dumps(asdict(profile), indent=2) + "\n").encode())
    return path


def remove() -> Path | None:
    """Forget the current login; returns the removed file, or None if there was none."""
    path = credentials_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path


def private_key_path(ocid: str) -> Path:
    """Where an account's private key is kept."""
    return config_dir() / "keys" / f"{ocid}.pem"


def save_private_key(ocid: str, private_pem: bytes) -> Path:
    """Keep an account's private key (mode 0600); returns the file's path."""
    path = private_key_path(ocid)
    _write_private(path, private_pem)
    return path


def load_private_key(ocid: str) -> bytes | None:
    """An account's private key (PEM), or None if this machine does not hold it."""
    try:
        return private_key_path(ocid).read_bytes()
    except OSError:
        return None
