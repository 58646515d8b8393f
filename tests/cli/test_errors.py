"""Mistakes on purpose: every one is a single clear line with a documented exit code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ourchat import details
from ourchat.cli.exit_codes import ExitCode
from tests.cli.support import CliUser
from tests.cli.test_chat import befriend

Registered = Callable[[str], Awaitable[CliUser]]


async def test_a_session_that_does_not_exist_says_so(registered: Registered) -> None:
    alice = await registered("alice")
    expected = (
        f"Error: {details.SESSION_NOT_FOUND}: 987654 — check the id with `ourchat sessions list`\n"
    )
    for command in (
        ("send", "987654", "hi"),
        ("history", "987654", "--idle", "0.2"),
        ("sessions", "leave", "987654"),
        ("sessions", "invite", "987654", alice.ocid),
    ):
        result = await alice.run(*command)
        assert (result.exit_code, result.stderr) == (ExitCode.REFUSED, expected), command


async def test_hints_name_the_real_session(registered: Registered) -> None:
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    session_id = await befriend(alice, bob)
    sent = await carol.run("send", str(session_id), "let me in")
    assert sent.exit_code == ExitCode.REFUSED
    assert sent.stderr == (
        f"Error: {details.USER_NOT_IN_SESSION} — ask to join with "
        f"`ourchat sessions join {session_id}`\n"
    )
    assert "SESSION" not in sent.stderr


async def test_history_of_a_session_you_are_not_in_is_an_error(registered: Registered) -> None:
    alice, bob, carol = (
        await registered("alice"),
        await registered("bob"),
        await registered("carol"),
    )
    session_id = await befriend(alice, bob)
    await alice.ok("send", str(session_id), "private")
    result = await carol.run("history", str(session_id), "--idle", "0.2")
    assert result.exit_code == ExitCode.REFUSED
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: You are not a member of session {session_id} — ask to join with "
        f"`ourchat sessions join {session_id}`\n"
    )


async def test_adding_yourself_as_a_friend_says_so_in_words(registered: Registered) -> None:
    alice = await registered("alice")
    result = await alice.run("friends", "add", alice.ocid)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "Error: You cannot add yourself as a friend — give the other person's ocid "
        "(`ourchat whoami` shows them theirs)\n"
    )


async def test_a_terse_server_detail_is_followed_by_what_it_means(
    registered: Registered,
) -> None:
    alice, bob = await registered("alice"), await registered("bob")
    session_id = await befriend(alice, bob)
    created = await alice.json("sessions", "new", "--name", "club")
    # bob is no member of "club": the server's own word, then the explanation.
    kicked = await bob.run("sessions", "allow", str(created["session_id"]), alice.ocid)
    assert kicked.exit_code == ExitCode.REFUSED
    assert kicked.stderr.startswith(
        f"Error: {details.PERMISSION_DENIED} (you may not do this here) — "
    )
    assert session_id


async def test_exit_codes_tell_usage_refusal_login_and_unreachable_apart(
    cli_user: Callable[[str], CliUser], registered: Registered
) -> None:
    nobody = cli_user("nobody")
    assert (await nobody.run("whoami")).exit_code == ExitCode.LOGIN
    assert (await nobody.run("send")).exit_code == ExitCode.USAGE
    unreachable = await nobody.run("login", "a@example.com", "--server", "127.0.0.1:1")
    assert unreachable.exit_code == ExitCode.UNREACHABLE
    alice = await registered("alice")
    wrong = await alice.run("login", alice.email, "--password", "not the password")
    assert wrong.exit_code == ExitCode.REFUSED
    assert (await alice.run("no-such-command")).exit_code == ExitCode.USAGE
