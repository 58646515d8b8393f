import { describe, expect, it } from "vitest";
import type { ChatEvent, MessageEvent } from "./events";
import {
  dropInvite,
  applyEvent,
  applyEvents,
  emptyTimeline,
  lastMessage,
  openSession,
  page,
  resumeFrom,
  sessionOrder,
} from "./timeline";

const ME = 1n;
const OTHER = 2n;

function msg(id: bigint, time: bigint, sessionId = 10n, senderId = OTHER, text = `m${id}`): MessageEvent {
  return { kind: "msg", id, time, sessionId, senderId, text, files: [], encrypted: false };
}

describe("timeline", () => {
  it("keeps messages ascending by time and id whatever the arrival order", () => {
    const s = applyEvents(emptyTimeline(ME), [msg(3n, 30n), msg(1n, 10n), msg(2n, 30n)]);
    expect(s.messages.get(10n)?.map((m) => m.id)).toEqual([1n, 2n, 3n]);
    expect(s.cursor).toBe(30n);
  });

  it("never doubles an event replayed after a reconnect", () => {
    let s = applyEvents(emptyTimeline(ME), [msg(1n, 10n), msg(2n, 20n)]);
    const resumed = resumeFrom(s);
    expect(resumed).toBe(19n);
    s = applyEvents(s, [msg(2n, 20n), msg(3n, 25n)]);
    expect(s.messages.get(10n)?.map((m) => m.id)).toEqual([1n, 2n, 3n]);
    expect(s.unread.get(10n)).toBe(3);
  });

  it("resumes from zero before any event", () => {
    expect(resumeFrom(emptyTimeline(ME))).toBe(0n);
  });

  it("counts unread messages of others outside the open session only", () => {
    let s = openSession(emptyTimeline(ME), 11n);
    s = applyEvents(s, [msg(1n, 1n, 10n), msg(2n, 2n, 11n), msg(3n, 3n, 10n, ME)]);
    expect(s.unread.get(10n)).toBe(1);
    expect(s.unread.get(11n)).toBeUndefined();
    s = openSession(s, 10n);
    expect(s.unread.get(10n)).toBeUndefined();
  });

  it("removes a recalled message, even one recalled before it arrives twice", () => {
    let s = applyEvents(emptyTimeline(ME), [msg(1n, 1n), msg(2n, 2n)]);
    s = applyEvent(s, { kind: "recall", id: 3n, time: 3n, recalledId: 1n });
    expect(s.messages.get(10n)?.map((m) => m.id)).toEqual([2n]);
    s = applyEvent(s, msg(1n, 1n));
    expect(s.messages.get(10n)?.map((m) => m.id)).toEqual([2n]);
  });

  it("tracks friend requests both ways and drops them when answered", () => {
    const events: ChatEvent[] = [
      { kind: "friendRequest", id: 1n, time: 1n, inviterId: OTHER, inviteeId: ME, message: "hi" },
      { kind: "friendRequest", id: 2n, time: 2n, inviterId: ME, inviteeId: 3n, message: "yo" },
    ];
    let s = applyEvents(emptyTimeline(ME), events);
    expect(s.friendRequests.map((r) => [r.userId, r.incoming])).toEqual([
      [OTHER, true],
      [3n, false],
    ]);
    s = applyEvent(s, {
      kind: "friendResult",
      id: 4n,
      time: 4n,
      inviterId: ME,
      inviteeId: 3n,
      accepted: true,
      sessionId: 99n,
    });
    expect(s.friendRequests.map((r) => r.userId)).toEqual([OTHER]);
    expect(s.sessionIds).toEqual([99n]);
  });

  it("lists join requests of others, once per user and session", () => {
    const req = (id: bigint, userId: bigint): ChatEvent => ({
      kind: "joinRequest",
      id,
      time: id,
      sessionId: 5n,
      userId,
      message: "let me in",
      publicKey: null,
    });
    const s = applyEvents(emptyTimeline(ME), [req(1n, 3n), req(2n, 3n), req(3n, ME)]);
    expect(s.joinRequests.map((r) => r.userId)).toEqual([3n]);
  });

  it("keeps one invitation per session until answered", () => {
    const invite = (id: bigint, inviterId: bigint): ChatEvent => ({
      kind: "sessionInvite",
      id,
      time: id,
      sessionId: 5n,
      inviterId,
      message: "join us",
    });
    let s = applyEvents(emptyTimeline(ME), [invite(1n, 2n), invite(2n, 3n), invite(3n, ME)]);
    expect(s.invites.map((i) => i.inviterId)).toEqual([3n]);
    s = dropInvite(s, 5n);
    expect(s.invites).toEqual([]);
  });

  it("pages history backwards", () => {
    const events = Array.from({ length: 25 }, (_, i) => msg(BigInt(i + 1), BigInt(i + 1)));
    const s = applyEvents(emptyTimeline(ME), events);
    const first = page(s, 10n, 10, null);
    expect(first.items.map((m) => m.id)).toEqual(events.slice(15).map((m) => m.id));
    expect(first.more).toBe(true);
    const second = page(s, 10n, 10, first.items[0].id);
    expect(second.items[0].id).toBe(6n);
    const third = page(s, 10n, 10, second.items[0].id);
    expect(third.items.map((m) => m.id)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(third.more).toBe(false);
  });

  it("orders sessions by newest activity", () => {
    const s = applyEvents(emptyTimeline(ME), [msg(1n, 5n, 10n), msg(2n, 9n, 11n)]);
    expect(sessionOrder(s, [10n, 11n, 12n])).toEqual([11n, 10n, 12n]);
    expect(lastMessage(s, 10n)?.id).toBe(1n);
  });
});
