"""``python -m ourchat``: the same as the ``ourchat`` command."""

from __future__ import annotations

from ourchat.cli.main import run

run()
