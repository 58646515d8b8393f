"""The HTTP port beside gRPC: status, avatars, metrics."""

from __future__ import annotations
