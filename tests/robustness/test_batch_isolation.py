"""One bad send never fails another: sends committed together succeed or fail on their own."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest

from ourchat import details
from ourchat.client import OurChatRpcError
from ourchat.domain import send_batcher
from ourchat.domain.messages import send_message
from ourchat.domain.send_batcher import Stored
from ourchat.server.app import OurChatServer
from tests.helpers import Stream, User, make_group
from tests.rpc.auth.common import deps_of

NewUser = Callable[..., Awaitable[User]]
POISON = "poison"


async def stored_texts(user: User, expected: int) -> list[str]:
    """The texts of every message ``user`` gets on replay.

    Waits (up to 10 s, for a busy machine) until ``expected`` messages arrived, then a moment
    more, so that one stored twice would show.
    """
    stream = Stream(user.client)
    with contextlib.suppress(TimeoutError):
        await stream.wait_for(expected, timeout=10)
    events = await stream.settle(0.3)
    await stream.close()
    return sorted(
        e.msg.markdown_text for e in events if e.WhichOneof("respond_event_type") == "msg"
    )  # type: ignore[attr-defined]


async def test_sends_to_an_impossible_session_fail_alone(
    server: OurChatServer, new_user: NewUser
) -> None:
    alice, bob, mallory = await new_user("alice"), await new_user("bob"), await new_user("mallory")
    session = await make_group(deps_of(server), alice, bob)
    good = [alice.client.send_msg(session, f"a{i}") for i in range(20)]
    bad = [mallory.client.send_msg(2**63, "x"), mallory.client.send_msg(2**64 - 1, "y")]
    results = await asyncio.gather(
        *bad[:1], *good[:10], *bad[1:], *good[10:], return_exceptions=True
    )
    refused = [results[0], results[11]]
    accepted = results[1:11] + results[12:]
    assert all(not isinstance(r, BaseException) for r in accepted), accepted
    assert [(e.code, e.detail) for e in refused if isinstance(e, OurChatRpcError)] == [
        (grpc.StatusCode.PERMISSION_DENIED, details.USER_NOT_IN_SESSION)
    ] * 2
    assert await stored_texts(bob, 20) == sorted(f"a{i}" for i in range(20))


async def test_a_send_that_raises_fails_alone_in_its_batch(
    server: OurChatServer, new_user: NewUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a send raises while its batch is written reaches that send only."""
    deps = deps_of(server)
    alice, bob, mallory = await new_user("alice"), await new_user("bob"), await new_user("mallory")
    session = await make_group(deps, alice, bob, mallory)
    real_message = send_batcher.payloads.message

    def message(**kwargs: Any) -> Any:
        if kwargs["markdown_text"] == POISON:
            raise RuntimeError("cannot encode this one")
        return real_message(**kwargs)

    monkeypatch.setattr(send_batcher.payloads, "message", message)

    def send(user: User, text: str) -> Awaitable[Stored]:
        return send_message(
            deps,
            sender_id=user.id,
            session_id=session,
            markdown_text=text,
            involved_files=(),
            is_encrypted=False,
        )

    # Submitted together, these are one batch.
    sends = [send(alice, f"a{i}") for i in range(10)]
    sends += [send(mallory, POISON), send(mallory, POISON)]
    sends += [send(alice, f"a{i}") for i in range(10, 20)]
    results = await asyncio.gather(*sends, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert [str(e) for e in failures] == ["cannot encode this one"] * 2
    stored = [r for r in results if isinstance(r, Stored)]
    assert len({s.msg_id for s in stored}) == 20
    assert await stored_texts(bob, 20) == sorted(f"a{i}" for i in range(20))


async def test_over_the_wire_the_culprit_gets_server_error_and_the_others_ok(
    server: OurChatServer, new_user: NewUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, mallory = await new_user("alice"), await new_user("bob"), await new_user("mallory")
    session = await make_group(deps_of(server), alice, bob, mallory)
    real_message = send_batcher.payloads.message

    def message(**kwargs: Any) -> Any:
        if kwargs["markdown_text"] == POISON:
            raise RuntimeError("cannot encode this one")
        return real_message(**kwargs)

    monkeypatch.setattr(send_batcher.payloads, "message", message)
    calls = [alice.client.send_msg(session, f"a{i}") for i in range(20)]
    poison = [mallory.client.send_msg(session, POISON) for _ in range(2)]
    results = await asyncio.gather(*poison, *calls, return_exceptions=True)
    assert [(e.code, e.detail) for e in results[:2] if isinstance(e, OurChatRpcError)] == [
        (grpc.StatusCode.INTERNAL, details.SERVER_ERROR)
    ] * 2
    assert all(not isinstance(r, BaseException) for r in results[2:])
    assert await stored_texts(bob, 20) == sorted(f"a{i}" for i in range(20))


async def test_a_batch_that_committed_is_never_written_again(
    server: OurChatServer, new_user: NewUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing failed after the commit: the sends fail, and each message is stored once."""
    deps = deps_of(server)
    alice, bob = await new_user("alice"), await new_user("bob")
    session = await make_group(deps, alice, bob)
    real_publish = deps.bus.publish
    failed = []

    async def publish(event: Any) -> None:
        if not failed:
            failed.append(event)
            raise ConnectionError("bus gone")
        await real_publish(event)

    monkeypatch.setattr(deps.bus, "publish", publish)
    sends = [
        send_message(
            deps,
            sender_id=alice.id,
            session_id=session,
            markdown_text=f"a{i}",
            involved_files=(),
            is_encrypted=False,
        )
        for i in range(5)
    ]
    results = await asyncio.gather(*sends, return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError] * 5
    # Replay reaches as far as the newest event this process published: send one more.
    await alice.client.send_msg(session, "later")
    assert await stored_texts(bob, 6) == [*(f"a{i}" for i in range(5)), "later"]
