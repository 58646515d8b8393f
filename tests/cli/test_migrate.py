"""``ourchat migrate`` prepares the database and exits; ``serve`` would then find nothing to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from ourchat.cli.main import app


def test_migrate_creates_the_data_dir_and_the_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = CliRunner().invoke(app, ["migrate", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "database is up to date" in result.output
    with sqlite3.connect(data_dir / "ourchat.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"users", "sessions", "events", "event_clock", "files"} <= tables
    assert version is not None
    again = CliRunner().invoke(app, ["migrate", "--data-dir", str(data_dir)])
    assert again.exit_code == 0, again.output
