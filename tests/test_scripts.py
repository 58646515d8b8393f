"""``scripts/ensure-venv`` (behind ``scripts/serve`` and ``scripts/test``) repairs what an
interrupted install left, checking that the package imports rather than that ``.venv`` exists."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# A stand-in for the venv's Python: logs its arguments; `-c import ...` fails until an install
# with --force-reinstall has run (when BROKEN_IMPORT is set), `-m pip --version` always works.
_FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$LOG"
if [ "$1" = "-c" ] && [ -n "${BROKEN_IMPORT:-}" ] && [ ! -e "$LOG.fixed" ]; then exit 1; fi
case "$*" in *--force-reinstall*) touch "$LOG.fixed" ;; esac
exit 0
"""
# A stand-in for python3: `-m venv DIR` makes DIR/bin/python the fake above.
_FAKE_PYTHON3 = """#!/usr/bin/env bash
echo "python3 $*" >> "$LOG"
mkdir -p "$3/bin"
cp "$FAKE_PYTHON" "$3/bin/python"
"""


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "scripts" / "ensure-venv", project / "scripts" / "ensure-venv")
    fake = _executable(tmp_path / "fake-python", _FAKE_PYTHON)
    env = {
        **os.environ,
        "LOG": str(tmp_path / "log"),
        "FAKE_PYTHON": str(fake),
        "OURCHAT_PYTHON": str(_executable(tmp_path / "fake-python3", _FAKE_PYTHON3)),
    }
    return project, env


def _run(project: Path, env: dict[str, str], *args: str) -> list[str]:
    subprocess.run([project / "scripts" / "ensure-venv", *args], env=env, check=True, timeout=30)
    return Path(env["LOG"]).read_text().splitlines()


def test_a_venv_whose_python_does_not_start_is_made_again(tmp_path: Path) -> None:
    project, env = _project(tmp_path)
    (project / ".venv" / "bin").mkdir(parents=True)
    _executable(project / ".venv" / "bin" / "python", "#!/bin/sh\nexit 1\n")  # half made
    log = _run(project, env, "-e", ".[dev]")
    assert log[0].startswith("python3 -m venv")
    assert "-m pip install --quiet --disable-pip-version-check -e .[dev]" in log
    assert "-c import ourchat.cli.main" in log


def test_an_install_that_does_not_import_is_done_again(tmp_path: Path) -> None:
    project, env = _project(tmp_path)
    _run(project, env)  # a working venv
    Path(env["LOG"]).unlink()
    log = _run(project, {**env, "BROKEN_IMPORT": "1"})
    assert not any(line.startswith("python3") for line in log)  # the venv was kept
    assert log[-1] == "-m pip install --quiet --disable-pip-version-check --force-reinstall ."
