"""File content storage: the store interface, its local-disk implementation, periodic jobs."""

from __future__ import annotations
