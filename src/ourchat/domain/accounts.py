"""Creating, logging in to and removing accounts: validation, hashing, the lock counter, tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ourchat import details
from ourchat.clock import US_PER_SECOND
from ourchat.deps import Deps
from ourchat.domain import announcements, membership, validation
from ourchat.domain.passwords import strength
from ourchat.domain.server_identity import random_alnum
from ourchat.errors import AlreadyExists, InvalidArgument, NotFound, Unauthenticated
from ourchat.storage import login_failures, server_bans, users
from ourchat.storage import sessions as session_store
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
    deps: Deps, *, email: str, password: str, name: str, public_key: bytes | None
) -> Registered:
    """Create an account (checks in the protocol's order: password, email, name, key).

    ``public_key`` None makes an account without a key (the JSON and REST gateways): it is
    stored empty and the account is never asked for room keys.

    Raises:
        InvalidArgument: a rule of BEHAVIOR.md §2 is broken; "Password Too Long" past
            ``max_password_length`` characters (checked first).
        AlreadyExists: "User Already Exists" for a taken email.
    """
    settings = deps.settings
    if len(password) > settings.max_password_length:
        raise InvalidArgument(details.PASSWORD_TOO_LONG)
    limit = settings.password_strength_limit
    if await strength(password, [name, email], enough=limit) < limit:
        raise InvalidArgument(details.PASSWORD_NOT_STRONG)
    if not validation.is_valid_email(email):
        raise InvalidArgument(details.EMAIL_INVALID)
    if not validation.is_valid_user_name(name):
        raise InvalidArgument(details.USERNAME_INVALID)
    if public_key is not None and not validation.is_valid_public_key(public_key):
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
                    public_key=public_key or b"",
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


class _Locked(Exception):
    """An attempt found its (account, address) pair or the whole account locked."""


async def login(
    deps: Deps,
    *,
    email: str | None = None,
    ocid: str | None = None,
    password: str,
    address: str = "",
) -> LoggedIn:
    """Check a password; count attempts in the database and lock out after too many.

    Attempts are counted twice, before the password is verified (atomically, so concurrent
    guesses cannot get past a limit): per account and client ``address``, with the limit
    ``lock_account_after_failed_logins``, and per account from all addresses together, with
    the much higher ``lock_account_after_failed_logins_per_account``. So a stranger who knows
    an e-mail address locks only their own address out, while guessing from many addresses
    still locks the account. A successful login clears the count of its address and the
    account's. With the default settings 5 wrong passwords from one address answer "Wrong
    Password" and later attempts from there, even with the right password, answer "Account
    Locked" until ``lock_account_duration_seconds`` after the first failure. A limit of 0
    disables that lock. A locked attempt is not counted.

    Raises:
        InvalidArgument: "Password Too Long" past ``max_password_length`` (nothing counted).
        NotFound: "User Not Found" (also for unregistered accounts).
        Unauthenticated: "Email Not Verified", "Account Locked" or "Wrong Password"; "User
            Banned" (after a correct password) while a server ban is in force.
    """
    settings = deps.settings
    if len(password) > settings.max_password_length:
        raise InvalidArgument(details.PASSWORD_TOO_LONG)
    async with deps.db.read() as conn:
        user = await users.find_by(conn, email=email, ocid=ocid)
    if user is None or user["account_status"] != ACCOUNT_ACTIVE:
        raise NotFound(details.USER_NOT_FOUND)
    if settings.require_email_verification and not user["email_verified"]:
        raise Unauthenticated(details.EMAIL_NOT_VERIFIED)
    if user["passwd"] is None:
        raise Unauthenticated(details.WRONG_PASSWORD)
    user_id = int(user["id"])
    now = deps.clock.now_us()
    window_us = settings.lock_account_duration_seconds * US_PER_SECOND
    try:
        async with deps.db.write() as conn:
            if not await login_failures.reserve(
                conn,
                user_id,
                address,
                now_us=now,
                window_us=window_us,
                limit=settings.lock_account_after_failed_logins,
            ):
                raise _Locked
            if not await users.reserve_login_attempt(
                conn,
                user_id,
                now_us=now,
                window_us=window_us,
                limit=settings.lock_account_after_failed_logins_per_account,
            ):
                raise _Locked  # rolls the pair's count back too
    except _Locked:
        raise Unauthenticated(details.ACCOUNT_LOCKED) from None
    if not await deps.passwords.verify(user["passwd"], password):
        raise Unauthenticated(details.WRONG_PASSWORD)
    async with deps.db.write() as conn:
        await login_failures.clear(conn, user_id, address)
        await users.clear_failed_logins(conn, user_id)
        banned = await server_bans.is_banned(conn, user_id, deps.clock.now_us())
    if banned:
        raise Unauthenticated(details.USER_BANNED)
    return LoggedIn(user_id=user_id, ocid=user["ocid"], token=deps.tokens.issue(user_id))


async def unregister(deps: Deps, user_id: int, *, policy: str | None = None) -> None:
    """Remove an account according to ``unregister_policy``; nobody is notified.

    Under both policies the user first leaves every session through the ordinary leave rules
    (ownership passes on, a session left empty is deleted), so member counts stay real.

    * ``disable``: the row stays with ``account_status = 1`` and ``deleted_at``; later calls with
      its tokens answer "Account Deleted", Auth answers "User Not Found", GetAccountInfo and
      GetId still find it, and its e-mail and ocid stay taken. Friend and contact rows are kept
      (the friends still list it); pending friend requests, session invitations and join
      requests from or to it are dropped so none can bring it back into a session.
    * ``delete``: the row is deleted and everything referring to it cascades (friendships,
      contacts, its messages, its files rows, pending requests). The private session of each of
      its friendships is deleted as DeleteFriend would. Later calls answer "User Not Found".
      Server announcements it published stay, showing publisher 0.

    ``policy`` overrides the setting (ServerManageService.DeleteAccount always deletes).
    """
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        delete_row = (policy or deps.settings.unregister_policy) == "delete"
        for session_id in await session_store.sessions_of(tx.conn, user_id):
            session = await session_store.get(tx.conn, session_id)
            if delete_row and session is not None and session["is_private"]:
                await session_store.remove(tx.conn, session_id)
            else:
                await membership.leave(tx, session_id, user_id)
        if delete_row:
            await announcements.forget_publisher(tx.conn, user_id)
            await users.remove(tx.conn, user_id)
        else:
            await users.remove_pending_requests(tx.conn, user_id)
            await users.set_fields(
                tx.conn,
                user_id,
                account_status=ACCOUNT_DELETED,
                deleted_at=tx.now_us,
                update_time=tx.now_us,
            )
    deps.active_accounts.forget(user_id)
