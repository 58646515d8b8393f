"""Settings: sources in the documented order, and every setting documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from ourchat.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"`{name}`" not in readme]
    assert missing == []


def test_flags_beat_environment_beat_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "ourchat.toml"
    config.write_text('port = 1000\nhost = "10.0.0.1"\nserver_name = "from-toml"\n')
    monkeypatch.setenv("OURCHAT_HOST", "10.0.0.2")
    monkeypatch.setenv("OURCHAT_PORT", "2000")
    settings = load_settings(config, port=3000)
    assert (settings.port, settings.host, settings.server_name) == (3000, "10.0.0.2", "from-toml")


def test_toml_keys_may_sit_under_an_ourchat_table(tmp_path: Path) -> None:
    config = tmp_path / "ourchat.toml"
    config.write_text('[ourchat]\npreset_user_status = ["busy", "away"]\n')
    assert load_settings(config).preset_user_status == ["busy", "away"]


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.resolved_database_url == (
        f"sqlite+aiosqlite:///{(tmp_path / 'data' / 'ourchat.db').resolve()}"
    )
