"""AuthService.Register: validation in the protocol's order, the stored account, the token."""

from __future__ import annotations

import string
from collections.abc import Callable

import grpc
import jwt
from argon2 import PasswordHasher
from sqlalchemy import func, select

from ourchat import details
from ourchat._pb.service.auth.register.v1.register_pb2 import RegisterRequest, RegisterResponse
from ourchat.client import OurChatClient
from ourchat.clock import US_PER_SECOND, ManualClock
from ourchat.server.app import OurChatServer
from ourchat.storage import users
from ourchat.storage.tables import users as users_table
from tests.helpers import PASSWORD, expect_error, public_key
from tests.rpc.auth.common import (
    FIVE_DAYS_S,
    deps_of,
    ec_public,
    outcome,
    rsa_public,
    token_claims,
    unknown_algorithm_public,
    user_row,
)

Connect = Callable[[], OurChatClient]


async def register(
    client: OurChatClient,
    *,
    email: str = "alice@example.com",
    password: str = PASSWORD,
    name: str = "alice",
    key: bytes | None = None,
) -> RegisterResponse:
    """A Register call with valid defaults for every field not given."""
    response: RegisterResponse = await client.call(
        "Register",
        RegisterRequest(
            email=email,
            password=password,
            name=name,
            public_key=public_key() if key is None else key,
        ),
    )
    return response


async def test_register_creates_the_account_and_returns_a_five_day_token(
    server: OurChatServer, connect: Connect, clock: ManualClock
) -> None:
    response = await connect().register("alice@example.com", PASSWORD, "  Alice  ", public_key())
    assert response.id > 0
    assert len(response.ocid) == 10
    assert set(response.ocid) <= set(string.ascii_letters + string.digits)

    header = jwt.get_unverified_header(response.token)
    assert header == {"alg": "HS256", "typ": "JWT"}
    claims = token_claims(server, response.token)
    assert claims == {"id": response.id, "exp": clock.now_us() // US_PER_SECOND + FIVE_DAYS_S}

    row = await user_row(server, response.id)
    assert row is not None
    now = clock.now_us()
    assert row["ocid"] == response.ocid
    assert row["email"] == "alice@example.com"
    assert row["name"] == "  Alice  "  # stored untrimmed
    assert bytes(row["public_key"]) == public_key()
    assert (row["account_status"], row["deleted_at"]) == (0, None)
    assert (row["register_time"], row["public_update_time"], row["update_time"]) == (now,) * 3
    assert row["resource_used"] == 0
    assert row["friend_limit"] == deps_of(server).settings.friend_limit
    assert row["email_verified"] is True
    assert (row["failed_logins"], row["failed_login_since"]) == (0, None)
    assert (row["avatar_key"], row["user_status"]) == (None, None)


async def test_the_stored_password_is_an_argon2id_phc_string(
    server: OurChatServer, connect: Connect
) -> None:
    response = await connect().register("alice@example.com", PASSWORD, "alice", public_key())
    row = await user_row(server, response.id)
    assert row is not None
    phc = row["passwd"]
    settings = deps_of(server).settings
    params = f"m={settings.argon2_memory_kib},t={settings.argon2_time_cost},p=1"
    assert phc.startswith(f"$argon2id$v=19${params}$")
    assert PASSWORD not in phc
    assert PasswordHasher().verify(phc, PASSWORD)
    other = await connect().register("bob@example.com", PASSWORD, "bob", public_key())
    other_row = await user_row(server, other.id)
    assert other_row is not None
    assert other_row["passwd"] != phc  # a fresh salt each time


async def test_default_hashing_parameters_are_the_protocols() -> None:
    from ourchat.config import Settings
    from ourchat.domain.passwords import Passwords

    settings = Settings()
    phc = await Passwords(settings.argon2_memory_kib, settings.argon2_time_cost).hash("x")
    assert phc.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_the_token_works_for_authenticated_calls(connect: Connect) -> None:
    from ourchat._pb.service.ourchat.get_account_info.v1.get_account_info_pb2 import (
        QUERY_VALUES_EMAIL,
        GetAccountInfoRequest,
    )

    client = connect()
    await client.register("alice@example.com", PASSWORD, "alice", public_key())
    info = await client.call(
        "GetAccountInfo", GetAccountInfoRequest(request_values=[QUERY_VALUES_EMAIL])
    )
    assert info.email == "alice@example.com"


WEAK_PASSWORDS = [
    # (password, name, email)
    ("123456", "alice", "alice@example.com"),
    ("password", "alice", "alice@example.com"),
    ("", "alice", "alice@example.com"),
    # Strong on its own, weak when it is the user's own name or e-mail.
    ("zebrafish77", "zebrafish77", "alice@example.com"),
    ("zebrafish77@example.com", "alice", "zebrafish77@example.com"),
]


async def test_weak_password_is_refused(server: OurChatServer, connect: Connect) -> None:
    client = connect()
    outcomes = [
        await outcome(register(client, email=email, password=password, name=name))
        for password, name, email in WEAK_PASSWORDS
    ]
    refused = (grpc.StatusCode.INVALID_ARGUMENT, details.PASSWORD_NOT_STRONG)
    assert outcomes == [refused] * len(WEAK_PASSWORDS)
    async with deps_of(server).db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(users_table))).scalar() == 0
        for _, _, email in WEAK_PASSWORDS:
            assert await users.find_by(conn, email=email) is None
    # The same password is strong enough for a user it does not describe.
    await register(client, email="bob@example.com", password="zebrafish77", name="bob")


async def test_password_strength_limit_is_a_setting(
    server: OurChatServer, connect: Connect
) -> None:
    settings = deps_of(server).settings
    settings.password_strength_limit = 0
    await register(connect(), email="a@example.com", password="a")
    settings.password_strength_limit = 4
    await expect_error(
        register(connect(), email="b@example.com", password="Qz7!vR2#mK"),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.PASSWORD_NOT_STRONG,
    )
    await register(connect(), email="c@example.com", password="wrong horse battery staple")


INVALID_EMAILS = [
    "",
    "alice",
    "alice@",
    "@example.com",
    "alice@@example.com",
    "ali ce@example.com",
    "a@b@c",
    "alice@example..com",
]


async def test_invalid_email_is_refused(connect: Connect) -> None:
    client = connect()
    outcomes = {email: await outcome(register(client, email=email)) for email in INVALID_EMAILS}
    refused = (grpc.StatusCode.INVALID_ARGUMENT, details.EMAIL_INVALID)
    assert outcomes == dict.fromkeys(INVALID_EMAILS, refused)


INVALID_NAMES = [
    "",
    "   ",
    "\t\n",
    "a" * 61,
    "\u00e9" * 31,  # 31 characters, 62 bytes
    "\U0001f600" * 16,  # 16 characters, 64 bytes
]
VALID_NAMES = ["a" * 60, "\u00e9" * 30, " x ", "\U0001f600" * 15]


async def test_user_name_must_be_non_blank_and_at_most_sixty_bytes(
    server: OurChatServer, connect: Connect
) -> None:
    client = connect()
    outcomes = {name: await outcome(register(client, name=name)) for name in INVALID_NAMES}
    refused = (grpc.StatusCode.INVALID_ARGUMENT, details.USERNAME_INVALID)
    assert outcomes == dict.fromkeys(INVALID_NAMES, refused)
    for index, name in enumerate(VALID_NAMES):
        response = await register(client, email=f"n{index}@example.com", name=name)
        row = await user_row(server, response.id)
        assert row is not None
        assert row["name"] == name  # stored as given, untrimmed


INVALID_KEYS = {
    "empty": lambda: b"",
    "31 bytes": lambda: rsa_public(2048)[:31],
    "truncated DER": lambda: rsa_public(2048)[:-1],
    "garbage": lambda: bytes(range(64)),
    "EC P-256": ec_public,
    "unknown algorithm": unknown_algorithm_public,
    "RSA 1024 DER": lambda: rsa_public(1024),
    "RSA 1024 PEM": lambda: rsa_public(1024, "spki-pem"),
    "RSA 1024 PKCS#1": lambda: rsa_public(1024, "pkcs1-der"),
}


async def test_invalid_public_key_is_refused(connect: Connect) -> None:
    client = connect()
    outcomes = {
        label: await outcome(register(client, key=make())) for label, make in INVALID_KEYS.items()
    }
    refused = (grpc.StatusCode.INVALID_ARGUMENT, details.PUBLIC_KEY_INVALID)
    assert outcomes == dict.fromkeys(INVALID_KEYS, refused)


async def test_rsa_2048_keys_in_every_accepted_encoding(
    server: OurChatServer, connect: Connect
) -> None:
    client = connect()
    for encoding in ("spki-der", "spki-pem", "pkcs1-der"):
        key = rsa_public(2048, encoding)
        response = await register(client, email=f"{encoding}@example.com", key=key)
        row = await user_row(server, response.id)
        assert row is not None
        assert bytes(row["public_key"]) == key


async def test_checks_run_in_the_protocols_order(connect: Connect) -> None:
    client = connect()
    bad_key = b"x"
    await expect_error(
        register(client, password="123", email="bad", name="", key=bad_key),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.PASSWORD_NOT_STRONG,
    )
    await expect_error(
        register(client, email="bad", name="", key=bad_key),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.EMAIL_INVALID,
    )
    await expect_error(
        register(client, name="", key=bad_key),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.USERNAME_INVALID,
    )
    await expect_error(
        register(client, key=bad_key),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.PUBLIC_KEY_INVALID,
    )


async def test_duplicate_email_is_refused(server: OurChatServer, connect: Connect) -> None:
    first = await register(connect(), email="alice@example.com", name="alice")
    await expect_error(
        register(connect(), email="alice@example.com", name="other"),
        grpc.StatusCode.ALREADY_EXISTS,
        details.USER_ALREADY_EXISTS,
    )
    row = await user_row(server, first.id)
    assert row is not None
    assert row["name"] == "alice"


async def test_email_uniqueness_is_exact_and_case_sensitive(connect: Connect) -> None:
    a = await register(connect(), email="alice@example.com")
    b = await register(connect(), email="Alice@example.com")
    assert a.id != b.id


async def test_concurrent_registrations_of_one_email_create_one_account(
    server: OurChatServer, connect: Connect
) -> None:
    import asyncio

    results = await asyncio.gather(
        *(register(connect(), email="race@example.com", name=f"r{i}") for i in range(5)),
        return_exceptions=True,
    )
    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(created) == 1
    assert all(
        (e.code, e.detail) == (grpc.StatusCode.ALREADY_EXISTS, details.USER_ALREADY_EXISTS)
        for e in refused
    )


async def test_every_account_gets_its_own_id_and_ocid(connect: Connect) -> None:
    responses = [await register(connect(), email=f"u{i}@example.com") for i in range(5)]
    assert len({r.id for r in responses}) == 5
    assert len({r.ocid for r in responses}) == 5


async def test_with_email_verification_required_register_gives_no_token(
    server: OurChatServer, connect: Connect
) -> None:
    deps_of(server).settings.require_email_verification = True
    response = await register(connect(), email="alice@example.com")
    assert response.token == ""
    assert response.id > 0
    assert len(response.ocid) == 10
    row = await user_row(server, response.id)
    assert row is not None
    assert row["email_verified"] is False
