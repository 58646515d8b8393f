"""``ourchat friends requests`` and ``ourchat sessions requests``: what waits for an answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ourchat.cli.exit_codes import ExitCode
from ourchat.clock import ManualClock
from tests.cli.support import REPLAY_IDLE, CliUser

Registered = Callable[[str], Awaitable[CliUser]]


async def test_friend_requests_both_ways_then_decline_and_accept(
    registered: Registered, clock: ManualClock
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    assert "No friend requests waiting." in await alice.ok("friends", "requests", "--idle", "0.3")

    sent = await bob.ok("friends", "add", alice.ocid, "-m", "hi, it's bob")
    assert f"Friend request sent to alice (ocid {alice.ocid})" in sent
    clock.advance(1)
    seen = await alice.json("friends", "requests", "--idle", REPLAY_IDLE)
    assert seen["outgoing"] == []
    [incoming] = seen["incoming"]
    assert (incoming["id"], incoming["ocid"], incoming["name"], incoming["message"]) == (
        bob.id,
        bob.ocid,
        "bob",
        "hi, it's bob",
    )
    shown = await alice.ok("friends", "requests", "--idle", REPLAY_IDLE)
    assert f"bob (ocid {bob.ocid})" in shown
    assert "“hi, it's bob”" in shown
    assert f"`ourchat friends accept {bob.ocid}`" in shown
    mine = await bob.json("friends", "requests", "--idle", REPLAY_IDLE)
    assert [(o["id"], o["name"]) for o in mine["outgoing"]] == [(alice.id, "alice")]
    assert mine["incoming"] == []

    declined = await alice.ok("friends", "decline", bob.ocid)
    assert f"Declined the friend request of bob (ocid {bob.ocid})" in declined
    clock.advance(1)
    for user in (alice, bob):
        assert await user.json("friends", "requests", "--idle", "0.3") == {
            "incoming": [],
            "outgoing": [],
        }

    await bob.ok("friends", "add", alice.ocid, "-m", "please?")
    clock.advance(1)
    [again] = (await alice.json("friends", "requests", "--idle", REPLAY_IDLE))["incoming"]
    assert again["message"] == "please?"
    accepted = await alice.ok("friends", "accept", bob.ocid)
    assert f"You and bob (ocid {bob.ocid}) are friends" in accepted
    clock.advance(1)
    assert (await bob.json("friends", "requests", "--idle", "0.3"))["outgoing"] == []


async def test_join_requests_of_a_session(registered: Registered, clock: ManualClock) -> None:
    alice, carol = await registered("alice"), await registered("carol")
    session_id = (await alice.json("sessions", "new", "--name", "club"))["session_id"]
    sid = str(session_id)
    assert "No requests to join" in await alice.ok("sessions", "requests", sid, "--idle", "0.3")

    asked = await carol.ok("sessions", "join", sid, "-m", "let me in")
    assert "a moderator must accept" in asked
    clock.advance(1)
    [request] = await alice.json("sessions", "requests", sid, "--idle", REPLAY_IDLE)
    assert (request["id"], request["ocid"], request["name"], request["message"]) == (
        carol.id,
        carol.ocid,
        "carol",
        "let me in",
    )
    shown = await alice.ok("sessions", "requests", sid, "--idle", REPLAY_IDLE)
    assert f"carol (ocid {carol.ocid})" in shown
    assert f"`ourchat sessions allow {sid} {carol.ocid}`" in shown

    outsider = await carol.run("sessions", "requests", sid, "--idle", "0.3")
    assert outsider.exit_code == ExitCode.REFUSED
    assert outsider.stderr.startswith(f"Error: You are not a member of session {sid} — ")

    let_in = await alice.ok("sessions", "allow", sid, carol.ocid)
    assert f"Let carol (ocid {carol.ocid}) into session {sid}" in let_in
    clock.advance(1)
    assert await alice.json("sessions", "requests", sid, "--idle", "0.3") == []


async def test_a_refused_join_request_leaves_the_list_until_asked_again(
    registered: Registered, clock: ManualClock
) -> None:
    alice, dave = await registered("alice"), await registered("dave")
    sid = str((await alice.json("sessions", "new", "--name", "club"))["session_id"])
    await dave.ok("sessions", "join", sid, "-m", "me?")
    clock.advance(1)
    [asked] = await alice.json("sessions", "requests", sid, "--idle", REPLAY_IDLE)
    assert (asked["id"], asked["message"]) == (dave.id, "me?")

    refused = await alice.ok("sessions", "allow", sid, dave.ocid, "--deny")
    assert f"Refused the request of dave (ocid {dave.ocid}) to join session {sid}" in refused
    clock.advance(1)
    assert await alice.json("sessions", "requests", sid, "--idle", REPLAY_IDLE) == []
    assert "No requests to join" in await alice.ok("sessions", "requests", sid, "--idle", "0.3")

    await dave.ok("sessions", "join", sid, "-m", "please")
    clock.advance(1)
    [again] = await alice.json("sessions", "requests", sid, "--idle", REPLAY_IDLE)
    assert (again["id"], again["message"]) == (dave.id, "please")
