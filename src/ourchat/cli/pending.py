"""Pending friend requests and join requests, worked out from the caller's stored events.

The protocol has no call that lists them; every request and every answer is an event the
server keeps for the people involved, so replaying the event stream (FetchMsgs from time 0)
tells which are still open: a friend request without a later answer between the same two
people, a join request from someone who has not become a member since.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from ourchat.client import FIRST_EVENT_WAIT_SECONDS, Event, OurChatClient

#: Default seconds without any event after which a replay counts as finished.
REPLAY_IDLE_SECONDS = 1.0


async def replay(
    client: OurChatClient,
    *,
    idle: float = REPLAY_IDLE_SECONDS,
    first_wait: float = FIRST_EVENT_WAIT_SECONDS,
) -> list[Event]:
    """Every stored event visible to the caller, oldest first.

    The replay is over, and the stream closed, at the first event newer than the server's clock
    when this started (so live traffic cannot keep it open), or when no event arrived for
    ``idle`` seconds. The first event may take ``first_wait`` seconds: a busy server starts
    the replay late, and only an account without any event waits that long.
    """
    until = await client.server_time_us()
    events: list[Event] = []
    replay = client.stored_events(0, until, idle=idle, first_wait=first_wait)
    async with contextlib.aclosing(replay):
        async for event in replay:
            if event.time.ToMicroseconds() > until:
                break
            events.append(event)
    return events


@dataclass(frozen=True)
class FriendRequest:
    """An unanswered friend request, to or from the caller."""

    inviter_id: int
    invitee_id: int
    message: str
    event: Event  # the event that carried it (its ``time`` says when)


def pending_friend_requests(
    events: Iterable[Event], *, friends: Iterable[int] = ()
) -> list[FriendRequest]:
    """The friend requests without an answer yet (oldest first), between non-friends."""
    open_requests: dict[tuple[int, int], FriendRequest] = {}
    for event in events:
        kind = event.WhichOneof("respond_event_type")
        if kind == "new_friend_invitation_notification":
            req = event.new_friend_invitation_notification
            pair = (req.inviter_id, req.invitee_id)
            open_requests.pop(pair, None)  # asking again replaces the earlier request
            open_requests[pair] = FriendRequest(
                req.inviter_id, req.invitee_id, req.leave_message, event
            )
        elif kind == "friend_invitation_result_notification":
            res = event.friend_invitation_result_notification
            open_requests.pop((res.inviter_id, res.invitee_id), None)
    already = set(friends)
    return [
        r
        for r in open_requests.values()
        if r.inviter_id not in already and r.invitee_id not in already
    ]


@dataclass(frozen=True)
class JoinRequest:
    """A request to join a session by someone not (yet) in it."""

    user_id: int
    message: str
    event: Event  # the event that carried it


def pending_join_requests(
    events: Iterable[Event], session_id: int, *, members: Iterable[int]
) -> list[JoinRequest]:
    """The join requests of a session from people who are not members (newest request each)."""
    latest: dict[int, JoinRequest] = {}
    for event in events:
        if event.WhichOneof("respond_event_type") != "join_session_approval":
            continue
        ask = event.join_session_approval
        if ask.session_id == session_id:
            latest.pop(ask.user_id, None)
            latest[ask.user_id] = JoinRequest(ask.user_id, ask.leave_message, event)
    inside = set(members)
    return [r for r in latest.values() if r.user_id not in inside]
