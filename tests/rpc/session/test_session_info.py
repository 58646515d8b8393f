"""GetSessionInfo (every query value) and SetSessionInfo (permissions 6, 8, 7 in that order)."""

from __future__ import annotations

import grpc

from ourchat import details
from ourchat.clock import ManualClock
from ourchat.ids import Permission, PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage.tables import sessions
from tests.helpers import expect_error, make_group, png
from tests.rpc.files.support import upload
from tests.rpc.session.flows import (
    NewUser,
    Q,
    custom_role,
    info,
    leave,
    new_session,
    rows,
    set_info,
    set_role,
)

ALL_VALUES = (
    Q.QUERY_VALUES_UNSPECIFIED,
    Q.QUERY_VALUES_SESSION_ID,
    Q.QUERY_VALUES_NAME,
    Q.QUERY_VALUES_AVATAR_KEY,
    Q.QUERY_VALUES_CREATED_TIME,
    Q.QUERY_VALUES_UPDATED_TIME,
    Q.QUERY_VALUES_MEMBERS,
    Q.QUERY_VALUES_ROLES,
    Q.QUERY_VALUES_SIZE,
    Q.QUERY_VALUES_DESCRIPTION,
)
PUBLIC_VALUES = tuple(
    v for v in ALL_VALUES if v not in (Q.QUERY_VALUES_MEMBERS, Q.QUERY_VALUES_ROLES)
)


async def test_a_member_gets_every_value(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    created_at = clock.now_us()
    session_id = await make_group(
        server.deps, alice, bob, carol, roles=(PredefinedRole.OWNER, PredefinedRole.ADMIN)
    )
    got = await info(bob, session_id, *ALL_VALUES)
    assert got.session_id == session_id
    assert got.name == "group"
    assert got.HasField("avatar_key")
    assert got.avatar_key == ""
    assert got.created_time.ToMicroseconds() == created_at
    assert got.updated_time.ToMicroseconds() == created_at
    assert sorted(got.members) == sorted([alice.id, bob.id, carol.id])
    assert sorted((r.user_id, r.role) for r in got.roles) == sorted(
        [
            (alice.id, PredefinedRole.OWNER),
            (bob.id, PredefinedRole.ADMIN),
            (carol.id, PredefinedRole.MEMBER),
        ]
    )
    assert got.size == 3
    # No description yet: the field is left out.
    assert not got.HasField("description")
    await set_info(alice, session_id, description="")
    assert (await info(bob, session_id, Q.QUERY_VALUES_DESCRIPTION)).HasField("description")


async def test_only_requested_values_are_filled(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    session_id = await make_group(server.deps, alice)
    await set_info(alice, session_id, description="about")
    got = await info(alice, session_id, Q.QUERY_VALUES_NAME)
    assert got.name == "group"
    for field in ("session_id", "avatar_key", "created_time", "updated_time", "size"):
        assert not got.HasField(field), field
    assert not got.HasField("description")
    assert (list(got.members), list(got.roles)) == ([], [])
    assert (await info(alice, session_id)).ListFields() == []


async def test_anyone_reads_public_values_but_members_and_roles_need_membership(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, outsider = await new_user("alice"), await new_user("bob"), await new_user("out")
    session_id = await make_group(server.deps, alice, bob)
    got = await info(outsider, session_id, *PUBLIC_VALUES)
    assert (got.session_id, got.name, got.size) == (session_id, "group", 2)
    await leave(bob, session_id)
    for user in (outsider, bob):
        for value in (Q.QUERY_VALUES_MEMBERS, Q.QUERY_VALUES_ROLES):
            await expect_error(
                info(user, session_id, Q.QUERY_VALUES_NAME, value),
                grpc.StatusCode.PERMISSION_DENIED,
                details.PERMISSION_DENIED,
            )


async def test_roles_and_size_follow_current_membership(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob, carol = await new_user("alice"), await new_user("bob"), await new_user("carol")
    session_id = await make_group(server.deps, alice, bob, carol)
    await leave(carol, session_id)
    got = await info(alice, session_id, Q.QUERY_VALUES_ROLES, Q.QUERY_VALUES_SIZE)
    assert sorted((r.user_id, r.role) for r in got.roles) == sorted(
        [(alice.id, PredefinedRole.OWNER), (bob.id, PredefinedRole.MEMBER)]
    )
    assert got.size == 2


async def test_unknown_session_and_unknown_value(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    await expect_error(
        info(alice, 12345, Q.QUERY_VALUES_NAME),
        grpc.StatusCode.NOT_FOUND,
        details.SESSION_NOT_FOUND,
    )
    session_id = await make_group(server.deps, alice)
    await expect_error(
        info(alice, session_id, Q.QUERY_VALUES_NAME, 10),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )


async def test_owner_sets_every_field_and_the_update_time(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    alice = await new_user("alice")
    session_id = (await new_session(alice, name="old")).session_id
    pic = await upload(alice.client, png(b"pic"))  # an avatar: an image alice owns
    clock.advance(5)
    await set_info(alice, session_id, name="new", description="about us", avatar_key=pic)
    got = await info(
        alice,
        session_id,
        Q.QUERY_VALUES_NAME,
        Q.QUERY_VALUES_DESCRIPTION,
        Q.QUERY_VALUES_AVATAR_KEY,
        Q.QUERY_VALUES_UPDATED_TIME,
        Q.QUERY_VALUES_CREATED_TIME,
    )
    assert (got.name, got.description, got.avatar_key) == ("new", "about us", pic)
    assert got.updated_time.ToMicroseconds() == clock.now_us()
    assert got.created_time.ToMicroseconds() == clock.now_us() - 5_000_000
    # Only the given fields change.
    await set_info(alice, session_id, description="changed")
    got = await info(alice, session_id, Q.QUERY_VALUES_NAME, Q.QUERY_VALUES_DESCRIPTION)
    assert (got.name, got.description) == ("new", "changed")


async def test_admin_may_edit_but_plain_members_and_outsiders_may_not(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, admin, member, outsider = (
        await new_user("alice"),
        await new_user("admin"),
        await new_user("member"),
        await new_user("out"),
    )
    session_id = await make_group(
        server.deps, alice, admin, member, roles=(PredefinedRole.OWNER, PredefinedRole.ADMIN)
    )
    picture = await upload(admin.client, png(b"a"))
    await set_info(admin, session_id, name="by admin", description="d", avatar_key=picture)
    for user in (member, outsider):
        await expect_error(
            set_info(user, session_id, name="x", description="y", avatar_key="z"),
            grpc.StatusCode.PERMISSION_DENIED,
            details.CANNOT_SET_NAME,
        )
        await expect_error(
            set_info(user, session_id, description="y", avatar_key="z"),
            grpc.StatusCode.PERMISSION_DENIED,
            details.CANNOT_SET_DESCRIPTION,
        )
        await expect_error(
            set_info(user, session_id, avatar_key="z"),
            grpc.StatusCode.PERMISSION_DENIED,
            details.CANNOT_SET_AVATAR,
        )
    [row] = await rows(server, sessions, sessions.c.id == session_id)
    assert (row["name"], row["description"], row["avatar_key"]) == ("by admin", "d", picture)


async def test_every_permission_is_checked_before_anything_is_written(
    server: OurChatServer, new_user: NewUser, clock: ManualClock
) -> None:
    assert server.deps is not None
    alice, editor = await new_user("alice"), await new_user("editor")
    session_id = await make_group(server.deps, alice, editor)
    namer = await custom_role(server, session_id, [Permission.SET_TITLE, Permission.SET_AVATAR])
    await set_role(server, session_id, editor, namer)
    clock.advance(1)
    await expect_error(
        set_info(editor, session_id, name="renamed", description="nope"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.CANNOT_SET_DESCRIPTION,
    )
    describer = await custom_role(server, session_id, [Permission.SET_DESCRIPTION])
    await set_role(server, session_id, editor, describer)
    await expect_error(
        set_info(editor, session_id, name="renamed", description="nope"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.CANNOT_SET_NAME,
    )
    await expect_error(
        set_info(editor, session_id, description="nope", avatar_key="pic"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.CANNOT_SET_AVATAR,
    )
    [row] = await rows(server, sessions, sessions.c.id == session_id)
    assert (row["name"], row["description"], row["avatar_key"]) == ("group", None, None)
    assert row["updated_time"] == row["created_time"]
    await set_info(editor, session_id, description="yes")


async def test_permissions_count_only_in_the_session_named(
    server: OurChatServer, new_user: NewUser
) -> None:
    assert server.deps is not None
    alice, bob = await new_user("alice"), await new_user("bob")
    owned_by_bob = await make_group(server.deps, bob)
    session_id = await make_group(server.deps, alice, bob)
    await expect_error(
        set_info(bob, session_id, name="mine"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.CANNOT_SET_NAME,
    )
    # An owner who left keeps no rights.
    await set_info(bob, owned_by_bob, name="still mine")
    await leave(alice, session_id)
    await expect_error(
        set_info(alice, session_id, name="gone"),
        grpc.StatusCode.PERMISSION_DENIED,
        details.CANNOT_SET_NAME,
    )


async def test_unknown_session_and_overlong_name(server: OurChatServer, new_user: NewUser) -> None:
    assert server.deps is not None
    alice = await new_user("alice")
    await expect_error(
        set_info(alice, 777, name="x"), grpc.StatusCode.NOT_FOUND, details.SESSION_NOT_FOUND
    )
    session_id = await make_group(server.deps, alice)
    await expect_error(
        set_info(alice, session_id, name="x" * 201),
        grpc.StatusCode.INVALID_ARGUMENT,
        details.REQUEST_INVALID_VALUE,
    )
    await set_info(alice, session_id, name="x" * 200)
