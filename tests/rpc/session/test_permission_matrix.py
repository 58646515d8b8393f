"""Every group-session method x every kind of caller: the exact refusal, or a real success.

Each test covers one method. Ten users are registered once per test and reused: for every
caller a fresh session is built directly in the database holding an owner, an admin, a
member, two custom roles ({1} and {1, 5}), a target member, an ex-member and a banned user
(both former admins, so rights kept after leaving would show), next to a user who never was a
member. The method's own state (a pending join request, a muted target, a message...) is then
set up, the caller calls, and the outcome is recorded. The whole row of outcomes is compared
with the expected row at once; a success must also have had its effect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from sqlalchemy import Table, exists, select

from ourchat import details
from ourchat._pb.service.ourchat.msg_delivery.recall.v1.recall_pb2 import RecallMsgRequest
from ourchat._pb.service.ourchat.session.accept_join_session_invitation.v1 import (
    accept_join_session_invitation_pb2 as accept_pb,
)
from ourchat._pb.service.ourchat.session.add_role.v1.add_role_pb2 import AddRoleRequest
from ourchat._pb.service.ourchat.session.allow_user_join_session.v1 import (
    allow_user_join_session_pb2 as allow_pb,
)
from ourchat._pb.service.ourchat.session.ban.v1.ban_pb2 import BanUserRequest, UnbanUserRequest
from ourchat._pb.service.ourchat.session.delete_session.v1.delete_session_pb2 import (
    DeleteSessionRequest,
)
from ourchat._pb.service.ourchat.session.get_role.v1.get_role_pb2 import GetRoleRequest
from ourchat._pb.service.ourchat.session.get_session_info.v1 import get_session_info_pb2 as info_pb
from ourchat._pb.service.ourchat.session.invite_user_to_session.v1 import (
    invite_user_to_session_pb2 as invite_pb,
)
from ourchat._pb.service.ourchat.session.join_session.v1.join_session_pb2 import (
    JoinSessionRequest,
)
from ourchat._pb.service.ourchat.session.kick.v1.kick_pb2 import KickUserRequest
from ourchat._pb.service.ourchat.session.leave_session.v1.leave_session_pb2 import (
    LeaveSessionRequest,
)
from ourchat._pb.service.ourchat.session.mute.v1.mute_pb2 import (
    MuteUserRequest,
    UnmuteUserRequest,
)
from ourchat._pb.service.ourchat.session.new_session.v1.session_pb2 import NewSessionRequest
from ourchat._pb.service.ourchat.session.set_role.v1.set_role_pb2 import SetRoleRequest
from ourchat._pb.service.ourchat.session.set_session_info.v1.set_session_info_pb2 import (
    SetSessionInfoRequest,
)
from ourchat.client import OurChatRpcError
from ourchat.deps import Deps
from ourchat.domain import membership, moderation
from ourchat.ids import PredefinedRole
from ourchat.server.app import OurChatServer
from ourchat.storage import events as stored_events
from ourchat.storage import files as file_rows
from ourchat.storage import restrictions
from ourchat.storage import roles as role_store
from ourchat.storage import sessions as session_store
from ourchat.storage.tables import bans, join_requests, mutes, session_invitations
from ourchat.storage.uow import unit_of_work
from tests.helpers import User, png

NewUser = Callable[..., Awaitable[User]]
Outcome = str | tuple[grpc.StatusCode, str]

CALLERS = (
    "owner",
    "admin",
    "member",
    "custom1",
    "custom5",
    "ex_member",
    "non_member",
    "banned",
)
MEMBERS = CALLERS[:5]
OUTSIDERS = CALLERS[5:]
OK = "ok"

DENIED = (grpc.StatusCode.PERMISSION_DENIED, details.PERMISSION_DENIED)
BANNED = (grpc.StatusCode.PERMISSION_DENIED, details.USER_BANNED)
NOT_MEMBER_PD = (grpc.StatusCode.PERMISSION_DENIED, details.USER_NOT_IN_SESSION)
NOT_MEMBER_NF = (grpc.StatusCode.NOT_FOUND, details.USER_NOT_IN_SESSION)
NOT_IN_SESSION = (grpc.StatusCode.PERMISSION_DENIED, details.NOT_IN_SESSION)
ALREADY_IN = (grpc.StatusCode.ALREADY_EXISTS, details.USER_ALREADY_IN_SESSION)
NO_INVITATION = (grpc.StatusCode.NOT_FOUND, details.SESSION_INVITATION_NOT_FOUND)


@dataclass
class World:
    """The reused users, and the session built for the current caller."""

    deps: Deps
    users: dict[str, User]
    session_id: int = 0
    custom1_role: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def id(self, name: str) -> int:
        return self.users[name].id


async def build_session(world: World) -> None:
    """A fresh session for one caller (see the module docstring)."""
    deps, owner = world.deps, world.id("owner")
    roles = {
        "owner": PredefinedRole.OWNER,
        "admin": PredefinedRole.ADMIN,
        "ex_member": PredefinedRole.ADMIN,
        "banned": PredefinedRole.ADMIN,
        "member": PredefinedRole.MEMBER,
        "custom1": PredefinedRole.MEMBER,
        "custom5": PredefinedRole.MEMBER,
        "target": PredefinedRole.MEMBER,
    }
    async with unit_of_work(deps.db, deps.bus, deps.clock.now_us()) as tx:
        session_id = deps.ids.next_id()
        await session_store.create(tx.conn, session_id=session_id, now_us=tx.now_us, name="g")
        for name, role in roles.items():
            await membership.join(tx, session_id, world.id(name), role)
        for name, granted in (("custom1", [1]), ("custom5", [1, 5])):
            role_id = await role_store.create(
                tx.conn,
                session_id=session_id,
                creator_id=owner,
                name=name,
                description=None,
                permission_ids=granted,
            )
            await session_store.set_member_role(tx.conn, session_id, world.id(name), role_id)
            if name == "custom1":
                world.custom1_role = role_id
        await membership.leave(tx, session_id, world.id("ex_member"))
        # What BanUser does to a member (tested on its own in test_ban.py), in the same commit.
        await restrictions.place(
            tx.conn, restrictions.bans, session_id, world.id("banned"), tx.now_us, None
        )
        await membership.leave(tx, session_id, world.id("banned"))
    world.session_id = session_id
    world.extra = {}


async def member_role(world: World, user: str) -> int | None:
    async with world.deps.db.read() as conn:
        return await session_store.member_role(conn, world.session_id, world.id(user))


async def restricted(world: World, table: Table, user: str) -> bool:
    async with world.deps.db.read() as conn:
        found = await restrictions.in_force(
            conn, table, world.session_id, [world.id(user)], world.deps.clock.now_us()
        )
    return world.id(user) in found


@dataclass(frozen=True)
class Case:
    """One method: optional setup, the call, the expected outcome per caller, the effect."""

    name: str
    call: Callable[[World, str], Awaitable[Any]]
    expected: Mapping[str, Outcome]
    setup: Callable[[World, str], Awaitable[None]] | None = None
    effect: Callable[[World, str, Any], Awaitable[bool]] | None = None


def row(members: Outcome, outsiders: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """Expected outcomes: one for current members, one for the others, then exceptions."""
    out: dict[str, Outcome] = dict.fromkeys(MEMBERS, members) | dict.fromkeys(OUTSIDERS, outsiders)
    out.update(overrides)
    return out


def only(allowed: tuple[str, ...], refusal: Outcome) -> dict[str, Outcome]:
    return {c: OK if c in allowed else refusal for c in CALLERS}


def call(method: str, make: Callable[[World, str], Any]) -> Callable[[World, str], Awaitable[Any]]:
    def _call(world: World, caller: str) -> Awaitable[Any]:
        return world.users[caller].client.call(method, make(world, caller))

    return _call


def info(value: info_pb.QueryValues) -> Callable[[World, str], Any]:
    return lambda w, c: info_pb.GetSessionInfoRequest(session_id=w.session_id, query_values=[value])


# -- method-specific state --------------------------------------------------------------


async def applicant_asks(world: World, caller: str) -> None:
    await world.users["applicant"].client.call(
        "JoinSession", JoinSessionRequest(session_id=world.session_id)
    )


async def caller_is_invited(world: World, caller: str) -> None:
    if caller in ("ex_member", "non_member"):
        await world.users["owner"].client.call(
            "InviteUserToSession",
            invite_pb.InviteUserToSessionRequest(
                session_id=world.session_id, invitee=world.id(caller)
            ),
        )


async def target_muted(world: World, caller: str) -> None:
    await moderation.mute(
        world.deps,
        caller_id=world.id("owner"),
        session_id=world.session_id,
        user_ids=[world.id("target")],
        duration_seconds=None,
    )


async def target_sends(world: World, caller: str) -> None:
    sent = await world.users["target"].client.send_msg(world.session_id, "recall me")
    world.extra["msg_id"] = sent.msg_id


# -- effects of a success ---------------------------------------------------------------


async def session_gone(world: World, caller: str, response: Any) -> bool:
    async with world.deps.db.read() as conn:
        return await session_store.get(conn, world.session_id) is None


async def caller_left(world: World, caller: str, response: Any) -> bool:
    return await member_role(world, caller) is None


async def target_gone(world: World, caller: str, response: Any) -> bool:
    return await member_role(world, "target") is None


async def target_banned(world: World, caller: str, response: Any) -> bool:
    return await target_gone(world, caller, response) and await restricted(world, bans, "target")


async def target_muted_now(world: World, caller: str, response: Any) -> bool:
    return await restricted(world, mutes, "target")


async def target_unmuted(world: World, caller: str, response: Any) -> bool:
    return not await target_muted_now(world, caller, response)


async def banned_lifted(world: World, caller: str, response: Any) -> bool:
    return not await restricted(world, bans, "banned")


async def target_is_admin(world: World, caller: str, response: Any) -> bool:
    return await member_role(world, "target") == PredefinedRole.ADMIN


async def role_created(world: World, caller: str, response: Any) -> bool:
    async with world.deps.db.read() as conn:
        role = await role_store.get(conn, response.role_id)
    return role is not None and role.session_id == world.session_id


async def caller_joined(world: World, caller: str, response: Any) -> bool:
    return await member_role(world, caller) == PredefinedRole.MEMBER


async def applicant_joined(world: World, caller: str, response: Any) -> bool:
    return await member_role(world, "applicant") == PredefinedRole.MEMBER


async def request_pending(world: World, caller: str, response: Any) -> bool:
    async with world.deps.db.read() as conn:
        query = select(
            exists().where(
                join_requests.c.session_id == world.session_id,
                join_requests.c.user_id == world.id(caller),
            )
        )
        return bool((await conn.execute(query)).scalar())


async def applicant_invited(world: World, caller: str, response: Any) -> bool:
    async with world.deps.db.read() as conn:
        query = select(
            exists().where(
                session_invitations.c.session_id == world.session_id,
                session_invitations.c.invitee_id == world.id("applicant"),
                session_invitations.c.inviter_id == world.id(caller),
            )
        )
        return bool((await conn.execute(query)).scalar())


async def new_session_owned(world: World, caller: str, response: Any) -> bool:
    async with world.deps.db.read() as conn:
        role = await session_store.member_role(conn, response.session_id, world.id(caller))
    return role == PredefinedRole.OWNER


async def lists_members(world: World, caller: str, response: Any) -> bool:
    return world.id(caller) in response.members and world.id("banned") not in response.members


async def lists_roles(world: World, caller: str, response: Any) -> bool:
    listed = {r.user_id: r.role for r in response.roles}
    return listed.get(world.id("owner")) == PredefinedRole.OWNER and world.id("ex_member") not in (
        listed
    )


def session_field(column: str, value: str) -> Callable[[World, str, Any], Awaitable[bool]]:
    async def _check(world: World, caller: str, response: Any) -> bool:
        async with world.deps.db.read() as conn:
            session = await session_store.get(conn, world.session_id)
        return session is not None and session[column] == value

    return _check


async def recalled(world: World, caller: str, response: Any) -> bool:
    async with world.deps.db.read() as conn:
        return await stored_events.get(conn, world.extra["msg_id"]) is None


async def role_read(world: World, caller: str, response: Any) -> bool:
    return response.name == "custom1" and list(response.permissions) == [1]


AVATAR_KEY = "avatarkey"


async def session_avatar_file(world: World, caller: str) -> None:
    """An image shared with this caller's session, so its members may make it the avatar."""
    store = world.deps.file_store
    await store.delete(AVATAR_KEY)
    async with store.temp() as temp:
        await temp.write(png())
        await store.publish(temp, AVATAR_KEY)
    async with world.deps.db.write() as conn:
        await file_rows.delete_file(conn, AVATAR_KEY)
        await file_rows.insert_file(
            conn,
            key=AVATAR_KEY,
            user_id=world.id("owner"),
            session_id=world.session_id,
            size=0,
            content_hash=bytes(32),
            auto_clean=False,
            created_at=world.deps.clock.now_us(),
        )


def set_info(**fields: str) -> Callable[[World, str], Any]:
    return lambda w, c: SetSessionInfoRequest(session_id=w.session_id, **fields)


CASES = [
    Case(
        "NewSession",
        call("NewSession", lambda w, c: NewSessionRequest(name="mine")),
        row(OK, OK),
        effect=new_session_owned,
    ),
    Case(
        "GetSessionInfo-MEMBERS",
        call("GetSessionInfo", info(info_pb.QUERY_VALUES_MEMBERS)),
        row(OK, DENIED),
        effect=lists_members,
    ),
    Case(
        "GetSessionInfo-ROLES",
        call("GetSessionInfo", info(info_pb.QUERY_VALUES_ROLES)),
        row(OK, DENIED),
        effect=lists_roles,
    ),
    Case(
        "SetSessionInfo-name",
        call("SetSessionInfo", set_info(name="renamed")),
        only(("owner", "admin"), (grpc.StatusCode.PERMISSION_DENIED, details.CANNOT_SET_NAME)),
        effect=session_field("name", "renamed"),
    ),
    Case(
        "SetSessionInfo-description",
        call("SetSessionInfo", set_info(description="about")),
        only(
            ("owner", "admin"),
            (grpc.StatusCode.PERMISSION_DENIED, details.CANNOT_SET_DESCRIPTION),
        ),
        effect=session_field("description", "about"),
    ),
    Case(
        "SetSessionInfo-avatar",
        call("SetSessionInfo", set_info(avatar_key=AVATAR_KEY)),
        only(("owner", "admin"), (grpc.StatusCode.PERMISSION_DENIED, details.CANNOT_SET_AVATAR)),
        setup=session_avatar_file,
        effect=session_field("avatar_key", AVATAR_KEY),
    ),
    Case(
        "DeleteSession",
        call("DeleteSession", lambda w, c: DeleteSessionRequest(session_id=w.session_id)),
        only(("owner",), DENIED),
        effect=session_gone,
    ),
    Case(
        "LeaveSession",
        call("LeaveSession", lambda w, c: LeaveSessionRequest(session_id=w.session_id)),
        row(OK, NOT_MEMBER_NF),
        effect=caller_left,
    ),
    Case(
        "JoinSession",
        call("JoinSession", lambda w, c: JoinSessionRequest(session_id=w.session_id)),
        row(ALREADY_IN, OK, banned=BANNED),
        effect=request_pending,
    ),
    Case(
        "AllowUserJoinSession",
        call(
            "AllowUserJoinSession",
            lambda w, c: allow_pb.AllowUserJoinSessionRequest(
                session_id=w.session_id, user_id=w.id("applicant"), accepted=True
            ),
        ),
        only(("owner", "admin"), DENIED),
        setup=applicant_asks,
        effect=applicant_joined,
    ),
    Case(
        "InviteUserToSession",
        call(
            "InviteUserToSession",
            lambda w, c: invite_pb.InviteUserToSessionRequest(
                session_id=w.session_id, invitee=w.id("applicant")
            ),
        ),
        row(OK, DENIED),
        effect=applicant_invited,
    ),
    Case(
        "AcceptJoinSessionInvitation",
        call(
            "AcceptJoinSessionInvitation",
            lambda w, c: accept_pb.AcceptJoinSessionInvitationRequest(
                session_id=w.session_id, accepted=True, inviter_id=w.id("owner")
            ),
        ),
        row(NO_INVITATION, OK, banned=BANNED),
        setup=caller_is_invited,
        effect=caller_joined,
    ),
    Case(
        "KickUser",
        call(
            "KickUser",
            lambda w, c: KickUserRequest(session_id=w.session_id, user_id=w.id("target")),
        ),
        only(("owner", "admin"), DENIED),
        effect=target_gone,
    ),
    Case(
        "MuteUser",
        call(
            "MuteUser",
            lambda w, c: MuteUserRequest(session_id=w.session_id, user_ids=[w.id("target")]),
        ),
        only(("owner", "admin"), DENIED),
        effect=target_muted_now,
    ),
    Case(
        "UnmuteUser",
        call(
            "UnmuteUser",
            lambda w, c: UnmuteUserRequest(session_id=w.session_id, user_ids=[w.id("target")]),
        ),
        only(("owner", "admin"), DENIED),
        setup=target_muted,
        effect=target_unmuted,
    ),
    Case(
        "BanUser",
        call(
            "BanUser",
            lambda w, c: BanUserRequest(session_id=w.session_id, user_ids=[w.id("target")]),
        ),
        only(("owner", "admin"), DENIED),
        effect=target_banned,
    ),
    Case(
        "UnbanUser",
        call(
            "UnbanUser",
            lambda w, c: UnbanUserRequest(session_id=w.session_id, user_ids=[w.id("banned")]),
        ),
        only(("owner", "admin"), DENIED),
        effect=banned_lifted,
    ),
    Case(
        "SetRole",
        call(
            "SetRole",
            lambda w, c: SetRoleRequest(
                session_id=w.session_id, member_id=w.id("target"), role_id=PredefinedRole.ADMIN
            ),
        ),
        only(("owner",), DENIED),
        effect=target_is_admin,
    ),
    Case(
        "AddRole",
        call(
            "AddRole",
            lambda w, c: AddRoleRequest(session_id=w.session_id, name="new", permissions=[1, 2]),
        ),
        only(("owner",), DENIED),
        effect=role_created,
    ),
    Case(
        "GetRole",
        call("GetRole", lambda w, c: GetRoleRequest(role_id=w.custom1_role)),
        row(OK, NOT_IN_SESSION),
        effect=role_read,
    ),
    Case(
        "RecallMsg-of-another",
        call(
            "RecallMsg",
            lambda w, c: RecallMsgRequest(session_id=w.session_id, msg_id=w.extra["msg_id"]),
        ),
        row(DENIED, NOT_MEMBER_PD, owner=OK, admin=OK),
        setup=target_sends,
        effect=recalled,
    ),
]


@pytest.fixture
async def world(server: OurChatServer, new_user: NewUser) -> World:
    """Ten registered users, reused by every caller of one test."""
    assert server.deps is not None
    names = (*CALLERS, "target", "applicant")
    users = await asyncio.gather(*(new_user(name) for name in names))
    return World(server.deps, dict(zip(names, users, strict=True)))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_permission_matrix(world: World, case: Case) -> None:
    got: dict[str, Outcome] = {}
    for caller in CALLERS:
        await build_session(world)
        if case.setup is not None:
            await case.setup(world, caller)
        try:
            response = await case.call(world, caller)
        except OurChatRpcError as exc:
            got[caller] = (exc.code, exc.detail)
            continue
        if case.effect is not None and not await case.effect(world, caller, response):
            got[caller] = "ok without effect"
        else:
            got[caller] = OK
    assert got == dict(case.expected)
