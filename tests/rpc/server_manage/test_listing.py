"""ListUsers and ListSessions on a few hundred rows: filters combined, paging, counts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat._pb.service.server_manage.session_manage.v1 import session_manage_pb2 as sm
from ourchat._pb.service.server_manage.user_manage.v1 import user_manage_pb2 as um
from ourchat.clock import ManualClock
from ourchat.deps import Deps
from ourchat.domain import membership
from ourchat.ids import PredefinedRole
from ourchat.rpc.convert import timestamp
from ourchat.server.app import OurChatServer
from ourchat.storage import sessions as session_store
from ourchat.storage import users as user_store
from ourchat.storage.uow import unit_of_work
from tests.helpers import User
from tests.rpc.server_manage.common import SM, grant

NewUser = Callable[..., Awaitable[User]]
SECOND = 1_000_000


async def _add_users(deps: Deps, count: int, start_us: int) -> list[int]:
    """``count`` accounts registered one second apart; every 3rd at example.ORG, every 5th
    deleted, names ``Person-<n>``."""
    ids = []
    async with deps.db.write() as conn:
        for n in range(count):
            user_id = deps.ids.next_id()
            ids.append(user_id)
            domain = "example.ORG" if n % 3 == 0 else "example.net"
            await user_store.insert(
                conn,
                id=user_id,
                ocid=f"ocid{n:04d}",
                email=f"person{n}@{domain}",
                passwd=None,
                name=f"Person-{n}",
                public_key=b"",
                account_status=1 if n % 5 == 0 else 0,
                register_time=start_us + n * SECOND,
                public_update_time=start_us,
                update_time=start_us,
                resource_used=0,
                friend_limit=10,
                email_verified=True,
                failed_logins=0,
            )
    return ids


async def test_list_users_filters_and_pages(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    deps = server.deps
    assert deps is not None
    admin = await new_user("admin")
    await grant(deps, admin.id)
    start = clock.now_us() + 10 * SECOND
    ids = await _add_users(deps, 300, start)
    await admin.client.get_account_info()  # admin is seen now

    everyone = await admin.client.list_users(page=0)
    assert (everyone.total_count, everyone.page, everyone.page_size) == (301, 1, 20)
    assert [u.id for u in everyone.users] == sorted([admin.id, *ids])[:20]
    me = next(u for u in everyone.users if u.id == admin.id)
    assert me.last_seen.ToMicroseconds() == clock.now_us() - clock.now_us() % (60 * SECOND)
    assert me.sessions_count == 0

    capped = await admin.client.list_users(page_size=1000)
    assert capped.page_size == 100 and len(capped.users) == 100  # noqa: PT018

    # Case-insensitive substrings, combined with AND; active accounts only.
    org = [n for n in range(300) if n % 3 == 0 and n % 5 != 0]
    seen: list[int] = []
    page = 1
    while True:
        result = await admin.client.list_users(
            email="@EXAMPLE.org", account_status=0, page=page, page_size=30
        )
        assert result.total_count == len(org)
        if not result.users:
            break
        seen.extend(u.id for u in result.users)
        page += 1
    assert seen == [ids[n] for n in org]
    assert page == len(org) // 30 + 2

    by_name = await admin.client.list_users(user_name="person-29")
    assert [u.user_name for u in by_name.users] == [
        "Person-29",
        *[f"Person-{n}" for n in range(290, 300)],
    ]

    window = await admin.client.list_users(
        registered_after_us=start + 99 * SECOND,
        registered_before_us=start + 110 * SECOND,
        page_size=100,
    )
    assert [u.ocid for u in window.users] == [f"ocid{n:04d}" for n in range(100, 110)]

    # Percent signs and underscores are matched literally.
    none = await admin.client.list_users(email="%")
    assert none.total_count == 0


async def test_list_sessions_filters_and_pages(server: OurChatServer, new_user: NewUser) -> None:
    deps = server.deps
    assert deps is not None
    admin, alice, bob = await new_user("admin"), await new_user("alice"), await new_user("bob")
    await grant(deps, admin.id)
    created: list[int] = []
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        for n in range(200):
            session_id = deps.ids.next_id()
            created.append(session_id)
            await session_store.create(
                tx.conn,
                session_id=session_id,
                now_us=tx.now_us + n * SECOND,
                name=f"Club {n}" if n % 2 else f"Team {n}",
                is_private=n % 10 == 0,
            )
            owner = alice if n % 4 == 0 else bob
            await membership.join(tx, session_id, owner.id, PredefinedRole.OWNER)
            if n % 7 == 0:
                other = bob if owner is alice else alice
                await membership.join(tx, session_id, other.id, PredefinedRole.MEMBER)

    listed: list[int] = []
    page = 1
    while batch := await admin.client.list_sessions(page=page, page_size=100):
        listed.extend(s.session_id for s in batch)  # type: ignore[attr-defined]
        page += 1
    assert listed == sorted(created)
    first = (await admin.client.list_sessions(page_size=1))[0]
    assert first.HasField("name") and first.HasField("size")  # type: ignore[attr-defined]  # noqa: PT018
    assert list(first.members) == []  # type: ignore[attr-defined]

    groups_of_alice_with_two = await admin.client.list_sessions(
        name="TEAM",
        session_type=sm.SESSION_TYPE_GROUP,
        owner_id=alice.id,
        min_members=2,
        values=[info_pb.QUERY_VALUES_SESSION_ID, info_pb.QUERY_VALUES_ROLES],
        page_size=100,
    )
    wanted = [
        created[n] for n in range(200) if n % 2 == 0 and n % 10 != 0 and n % 4 == 0 and n % 7 == 0
    ]
    assert [s.session_id for s in groups_of_alice_with_two] == wanted  # type: ignore[attr-defined]
    for s in groups_of_alice_with_two:
        assert sorted((r.user_id, r.role) for r in s.roles) == sorted(  # type: ignore[attr-defined]
            [(alice.id, PredefinedRole.OWNER), (bob.id, PredefinedRole.MEMBER)]
        )
        assert not s.HasField("name")  # type: ignore[attr-defined]

    private = await admin.client.list_sessions(
        session_type=sm.SESSION_TYPE_PRIVATE, max_members=1, page_size=100
    )
    assert len(private) == len([n for n in range(200) if n % 10 == 0 and n % 7 != 0])
    channels = await admin.client.list_sessions(session_type=sm.SESSION_TYPE_CHANNEL)
    assert channels == []

    base = deps.clock.now_us()
    response = await admin.client.call(
        SM + "ListSessions",
        sm.ListSessionsRequest(
            filter=sm.SessionFilter(
                created_after=timestamp(base + 9 * SECOND),
                created_before=timestamp(base + 13 * SECOND),
            )
        ),
    )
    assert [s.session_id for s in response.sessions] == created[10:13]


async def test_list_users_request_and_response_types_line_up(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    admin = await new_user("admin")
    await grant(server.deps, admin.id)
    response = await admin.client.call(
        SM + "ListUsers",
        um.ListUsersRequest(pagination=um.Pagination(page=3, page_size=1)),
    )
    assert (response.total_count, response.page, response.page_size, list(response.users)) == (
        1,
        3,
        1,
        [],
    )
