"""Benchmarks: a real ``ourchat serve`` beside a bare grpc.aio server, figure by figure."""

from __future__ import annotations
