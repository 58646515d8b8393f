"""Password hashing (Argon2id, off the event loop) and the strength rule (zxcvbn)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn


class Passwords:
    """Argon2id hashing and verification, run in worker threads so the loop keeps serving."""

    def __init__(self, memory_kib: int = 19_456, time_cost: int = 2) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )

    async def hash(self, password: str) -> str:
        """The PHC string of ``password`` with a fresh salt."""
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, phc: str, password: str) -> bool:
        """Whether ``password`` matches ``phc`` (parameters are read from the PHC string)."""

        def _check() -> bool:
            try:
                return self._hasher.verify(phc, password)
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(_check)


async def strength(password: str, user_inputs: list[str]) -> int:
    """zxcvbn score 0-4 of ``password``, with the user's own name and email as known words."""

    if not password:
        return 0  # zxcvbn itself fails on an empty string

    def _score() -> int:
        return int(zxcvbn(password[:100], user_inputs=user_inputs)["score"])

    return await asyncio.to_thread(_score)
