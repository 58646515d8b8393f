"""Creating accounts and logging in: validation, hashing, the lock counter and tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.domain import validation
from ourchat.domain.passwords import strength
from ourchat.domain.server_identity import random_alnum
from ourchat.errors import AlreadyExists, InvalidArgument, NotFound, Unauthenticated
from ourchat.server.deps import Deps
from ourchat.storage import users
from ourchat.storage.uow import unit_of_work

OCID_LENGTH = 10
ACCOUNT_ACTIVE = 0
ACCOUNT_DELETED = 1


@dataclass(frozen=True)
class Registered:
    """A new account and, unless e-mail verification is required, its first token."""

    user_id: int
    ocid: str
    token: str


async def register(
    deps: Deps, *, email: str, password: str, name: str, public_key: bytes
) -> Registered:
    """Create an account (checks in the protocol's order: password, email, name, key).

    Raises:
        InvalidArgument: a rule of BEHAVIOR.md §2 is broken.
        AlreadyExists: "User Already Exists" for a taken email.
    """
    settings = deps.settings
    if await strength(password, [name, email]) < settings.password_strength_limit:
        raise InvalidArgument(details.PASSWORD_NOT_STRONG)
    if not validation.is_valid_email(email):
        raise InvalidArgument(details.EMAIL_INVALID)
    if not validation.is_valid_user_name(name):
        raise InvalidArgument(details.USERNAME_INVALID)
    if not validation.is_valid_public_key(public_key):
        raise InvalidArgument(details.PUBLIC_KEY_INVALID)
    phc = await deps.passwords.hash(password)
    user_id = deps.ids.next_id()
    for _attempt in range(3):
        ocid = random_alnum(OCID_LENGTH)
        now = deps.clock.now_us()
        try:
            async with unit_of_work(deps.db, deps.bus, now) as tx:
                if await users.find_by(tx.conn, email=email) is not None:
                    raise AlreadyExists(details.USER_ALREADY_EXISTS)
                await users.insert(
                    tx.conn,
                    id=user_id,
                    ocid=ocid,
                    email=email,
                    passwd=phc,
                    name=name,
                    public_key=public_key,
                    account_status=ACCOUNT_ACTIVE,
                    register_time=now,
                    public_update_time=now,
                    update_time=now,
                    resource_used=0,
                    friend_limit=settings.friend_limit,
                    email_verified=not settings.require_email_verification,
                    failed_logins=0,
                )
        except IntegrityError:
            async with deps.db.read() as conn:
                if await users.find_by(conn, email=email) is not None:
                    raise AlreadyExists(details.USER_ALREADY_EXISTS) from None
            continue  # an ocid collision: draw another
        token = "" if settings.require_email_verification else deps.tokens.issue(user_id)
        return Registered(user_id=user_id, ocid=ocid, token=token)
    raise AlreadyExists(details.USER_ALREADY_EXISTS)


@dataclass(frozen=True)
class LoggedIn:
    """A successful login."""

    user_id: int
    ocid: str
    token: str


async def login(
    deps: Deps, *, email: str | None = None, ocid: str | None = None, password: str
) -> LoggedIn:
    """Check a password; count failures and lock the account after too many.

    Raises:
        NotFound: "User Not Found" (also for unregistered accounts).
        Unauthenticated: "Email Not Verified", "Account Locked" or "Wrong Password".
    """
    settings = deps.settings
    async with deps.db.read() as conn:
        user = await users.find_by(conn, email=email, ocid=ocid)
    if user is None or user["account_status"] != ACCOUNT_ACTIVE:
        raise NotFound(details.USER_NOT_FOUND)
    if settings.require_email_verification and not user["email_verified"]:
        raise Unauthenticated(details.EMAIL_NOT_VERIFIED)
    if user["passwd"] is None:
        raise Unauthenticated(details.WRONG_PASSWORD)
    now = deps.clock.now_us()
    window = settings.lock_account_duration_seconds * US_PER_SECOND
    since = user["failed_login_since"]
    failures = user["failed_logins"] if since is not None and now < since + window else 0
    limit = settings.lock_account_after_failed_logins
    if limit > 0 and failures >= limit:
        raise Unauthenticated(details.ACCOUNT_LOCKED)
    if not await deps.passwords.verify(user["passwd"], password):
        async with deps.db.write() as conn:
            if failures == 0:
                await users.set_fields(conn, user["id"], failed_logins=1, failed_login_since=now)
            else:
                await users.add_failed_login(conn, user["id"])
        raise Unauthenticated(details.WRONG_PASSWORD)
    if user["failed_logins"]:
        async with deps.db.write() as conn:
            await users.set_fields(conn, user["id"], failed_logins=0, failed_login_since=None)
    return LoggedIn(user_id=user["id"], ocid=user["ocid"], token=deps.tokens.issue(user["id"]))
