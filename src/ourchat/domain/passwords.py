"""Password hashing (Argon2id, off the event loop) and the strength rule (zxcvbn)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

T = TypeVar("T")


class Passwords:
    """Argon2id hashing and verification on a few dedicated threads.

    Hashing is deliberately expensive. It runs off the event loop, and on at most ``threads``
    threads, so a burst of logins queues up there instead of taking every core from the loop
    that serves messages.
    """

    def __init__(self, memory_kib: int = 19_456, time_cost: int = 2, threads: int = 1) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ourchat-argon2")

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn)

    def close(self) -> None:
        """Stop the hashing threads once queued work is done."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def hash(self, password: str) -> str:
        """The PHC string of ``password`` with a fresh salt."""
        return await self._run(lambda: self._hasher.hash(password))

    async def verify(self, phc: str, password: str) -> bool:
        """Whether ``password`` matches ``phc`` (parameters are read from the PHC string)."""

        def _check() -> bool:
            try:
                return self._hasher.verify(phc, password)
            except (VerificationError, InvalidHashError):
                return False

        return await self._run(_check)


async def strength(password: str, user_inputs: list[str]) -> int:
    """zxcvbn score 0-4 of ``password``, with the user's own name and email as known words."""

    if not password:
        return 0  # zxcvbn itself fails on an empty string

    def _score() -> int:
        return int(zxcvbn(password[:100], user_inputs=user_inputs)["score"])

    return await asyncio.to_thread(_score)
