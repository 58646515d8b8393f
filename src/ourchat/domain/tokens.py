"""JWTs: HS256 with exactly the claims ``{"id", "exp"}``."""

from __future__ import annotations

import jwt

from ourchat import details
from ourchat.clock import US_PER_SECOND, Clock
from ourchat.errors import Unauthenticated

#: Verified tokens remembered; past this many the memory starts again from empty.
MAX_REMEMBERED = 100_000


class TokenIssuer:
    """Issues and checks the bearer tokens of one server (all processes share the secret).

    A token whose signature and claims were checked once is remembered with its user id and
    expiry, so the next call with it only compares the expiry with the clock.
    """

    def __init__(self, secret: str, lifetime_seconds: int, clock: Clock) -> None:
        self._secret = secret
        self._lifetime = lifetime_seconds
        self._clock = clock
        self._verified: dict[str, tuple[int, int]] = {}

    def issue(self, user_id: int) -> str:
        """A token for ``user_id`` valid for the configured lifetime."""
        exp = self._clock.now_us() // US_PER_SECOND + self._lifetime
        return jwt.encode({"id": user_id, "exp": exp}, self._secret, algorithm="HS256")

    def verify(self, token: str) -> int:
        """The user id in a valid token.

        Raises:
            Unauthenticated: "Token Invalid" for a bad signature or shape, "Token Expired" once
                ``exp`` has passed.
        """
        known = self._verified.get(token)
        if known is None:
            known = self._decode(token)
            if len(self._verified) >= MAX_REMEMBERED:
                self._verified.clear()
            self._verified[token] = known
        user_id, exp = known
        if exp * US_PER_SECOND <= self._clock.now_us():
            raise Unauthenticated(details.TOKEN_EXPIRED)
        return user_id

    def _decode(self, token: str) -> tuple[int, int]:
        """The user id and expiry of a token with a valid signature and claims."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"verify_exp": False, "require": ["id", "exp"]},
            )
        except jwt.PyJWTError:
            raise Unauthenticated(details.TOKEN_INVALID) from None
        user_id, exp = claims.get("id"), claims.get("exp")
        if not isinstance(user_id, int) or not isinstance(exp, int) or user_id < 0:
            raise Unauthenticated(details.TOKEN_INVALID)
        return user_id, exp
