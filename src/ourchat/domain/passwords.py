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


#: The longest text the estimator judges at once (zxcvbn refuses longer input).
ESTIMATOR_MAX_LENGTH = 72
BEST_SCORE = 4


def period(text: str) -> int:
    """The length of the shortest unit ``text`` repeats (``len(text)`` if it repeats none)."""
    border = [0] * len(text)
    for i in range(1, len(text)):
        k = border[i - 1]
        while k and text[i] != text[k]:
            k = border[k - 1]
        border[i] = k + 1 if text[i] == text[k] else 0
    return len(text) - border[-1] if text else 0


def pieces(password: str) -> list[str]:
    """What the estimator judges of ``password``: distinct consecutive pieces it accepts.

    A password that only repeats a unit short enough for the estimator is judged by its first
    piece alone (the estimator sees the repetition there).
    """
    if period(password) <= ESTIMATOR_MAX_LENGTH // 2:
        return [password[:ESTIMATOR_MAX_LENGTH]]
    cuts = (
        password[i : i + ESTIMATOR_MAX_LENGTH]
        for i in range(0, len(password), ESTIMATOR_MAX_LENGTH)
    )
    return list(dict.fromkeys(cuts))


async def strength(password: str, user_inputs: list[str], enough: int = BEST_SCORE) -> int:
    """zxcvbn score 0-4 of ``password``, with the user's own name and email as known words.

    A password longer than the estimator accepts is as strong as its strongest piece of
    :data:`ESTIMATOR_MAX_LENGTH` characters (see :func:`pieces`: a long repetition of
    something weak stays weak). Judging stops at the first piece that scores
    ``enough``, which bounds the work for long passphrases.
    """

    if not password:
        return 0  # zxcvbn itself fails on an empty string

    def _score() -> int:
        best = 0
        for piece in pieces(password):
            best = max(best, int(zxcvbn(piece, user_inputs=user_inputs)["score"]))
            if best >= enough:
                break
        return best

    return await asyncio.to_thread(_score)
