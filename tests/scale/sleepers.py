"""Stand-in worker bodies for testing the ``serve --workers`` supervisor without servers."""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

from ourchat.config import Settings


def _report(settings: Settings, index: int) -> None:
    """Write ``worker-<index>`` holding the machine id (whole or not at all: renamed into place)."""
    partial = settings.data_dir / f"partial-{index}"
    partial.write_text(str(settings.machine_id))
    partial.rename(settings.data_dir / f"worker-{index}")


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    sys.exit(0)


def until_terminated(settings: Settings, index: int) -> None:
    """Report, then wait for SIGTERM and exit cleanly."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _report(settings, index)
    while True:
        time.sleep(0.05)


def first_one_crashes(settings: Settings, index: int) -> None:
    """Worker 0 fails with status 3 once two workers have reported; the others wait."""
    if index != 0:
        until_terminated(settings, index)
    _report(settings, index)
    while len(list(settings.data_dir.glob("worker-*"))) < 2:
        time.sleep(0.05)
    sys.exit(3)


def stubborn(settings: Settings, index: int) -> None:
    """Ignores SIGTERM."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _report(settings, index)
    while True:
        time.sleep(0.05)
