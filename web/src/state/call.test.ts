import { describe, expect, it } from "vitest";
import {
  applyRoomEvent,
  callTitle,
  emptyCallState,
  expireRings,
  firstSight,
  iceServers,
  isAdmin,
  joinedCall,
  kicked,
  mediaOfTitle,
  promoted,
  reofferDelayMs,
  RING_MS,
  startedCall,
  visibleMembers,
  type CallState,
} from "./call";
import type { RoomInvitationEvent, RoomMemberEvent } from "./events";

const ME = 1n;
const BOB = 2n;
const CAROL = 3n;
const ROOM = 50n;

function ring(id: bigint, roomId = ROOM, title = "Video call: team"): RoomInvitationEvent {
  return { kind: "roomInvitation", id, time: id, roomId, inviterId: BOB, title };
}

function member(id: bigint, userId: bigint, change: RoomMemberEvent["change"], roomId = ROOM): RoomMemberEvent {
  return { kind: "roomMember", id, time: id, roomId, userId, change };
}

function calling(): CallState {
  return startedCall(emptyCallState(ME), { roomId: ROOM, title: "Audio call: x", media: "audio", invited: [BOB, CAROL] });
}

describe("titles", () => {
  it("say the kind of call and stay short", () => {
    expect(callTitle("video", "team")).toBe("Video call: team");
    expect(callTitle("audio", "")).toBe("Audio call");
    expect(mediaOfTitle(callTitle("video", ""))).toBe("video");
    expect(mediaOfTitle(callTitle("video", "team"))).toBe("video");
    expect(mediaOfTitle(callTitle("audio", "team"))).toBe("audio");
    expect(mediaOfTitle("standup")).toBe("audio");
    const long = callTitle("audio", "x".repeat(200));
    expect(long.length).toBe(60);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("ringing", () => {
  it("rings once per room, even when the event comes twice", () => {
    let s = applyRoomEvent(emptyCallState(ME), ring(10n), 1000);
    expect(s.rings).toEqual([{ roomId: ROOM, inviterId: BOB, title: "Video call: team", media: "video", receivedAt: 1000 }]);
    const again = applyRoomEvent(s, ring(10n), 2000);
    expect(again).toBe(s);
    s = applyRoomEvent(s, ring(11n), 3000); // invited again: one ring, the newer one
    expect(s.rings.map((r) => r.receivedAt)).toEqual([3000]);
    s = applyRoomEvent(s, ring(12n, 51n, "Audio call: other"), 3000);
    expect(s.rings.map((r) => [r.roomId, r.media])).toEqual([
      [ROOM, "video"],
      [51n, "audio"],
    ]);
  });

  it("stops ringing by itself", () => {
    const s = applyRoomEvent(emptyCallState(ME), ring(10n), 1000);
    expect(expireRings(s, 1000 + RING_MS - 1)).toBe(s);
    expect(expireRings(s, 1000 + RING_MS).rings).toEqual([]);
  });

  it("answering takes the ring away and knows who is there", () => {
    const s = applyRoomEvent(emptyCallState(ME), ring(10n), 0);
    const joined = joinedCall(s, s.rings[0], [BOB, CAROL], true);
    expect(joined.rings).toEqual([]);
    expect(joined.call?.camera).toBe(true);
    expect([...(joined.call?.members ?? [])]).toEqual([
      [BOB, "joined"],
      [CAROL, "joined"],
    ]);
    expect(isAdmin(joined)).toBe(false);
    expect(joined.call?.admins.has(BOB)).toBe(true);
    // An invitation into the call I am in does not ring.
    expect(applyRoomEvent(joined, ring(11n), 0).rings).toEqual([]);
  });
});

describe("the call", () => {
  it("starts with everyone rung and me as admin", () => {
    const s = calling();
    expect(isAdmin(s)).toBe(true);
    expect(s.call?.camera).toBe(false);
    expect(visibleMembers(s.call!)).toEqual([
      [BOB, "ringing"],
      [CAROL, "ringing"],
    ]);
  });

  it("follows joins, declines, leaves and kicks of its own room only", () => {
    let s = calling();
    s = applyRoomEvent(s, member(20n, BOB, "joined"), 0);
    s = applyRoomEvent(s, member(21n, CAROL, "declined"), 0);
    s = applyRoomEvent(s, member(22n, CAROL, "joined", 99n), 0); // another room
    expect(visibleMembers(s.call!)).toEqual([
      [BOB, "joined"],
      [CAROL, "declined"],
    ]);
    s = promoted(s, BOB);
    expect(s.call?.admins.has(BOB)).toBe(true);
    s = applyRoomEvent(s, member(23n, BOB, "left"), 0);
    expect(s.call?.members.get(BOB)).toBe("left");
    expect(s.call?.admins.has(BOB)).toBe(false); // leaving ends admin rights
    expect(visibleMembers(s.call!)).toEqual([[CAROL, "declined"]]);
  });

  it("learns who was made an admin or lost it, me included", () => {
    const s = applyRoomEvent(emptyCallState(ME), ring(10n), 0);
    let joined = joinedCall(s, s.rings[0], [BOB, CAROL], false);
    expect(isAdmin(joined)).toBe(false);
    joined = applyRoomEvent(joined, member(40n, ME, "promoted"), 0);
    joined = applyRoomEvent(joined, member(41n, CAROL, "promoted"), 0);
    expect(isAdmin(joined)).toBe(true);
    expect(joined.call?.admins.has(CAROL)).toBe(true);
    joined = applyRoomEvent(joined, member(42n, CAROL, "demoted"), 0);
    expect(joined.call?.admins.has(CAROL)).toBe(false);
    expect(joined.call?.members.get(CAROL)).toBe("joined"); // still in the call
  });

  it("ends for me when I am kicked, and a repeated notice changes nothing", () => {
    let s = applyRoomEvent(calling(), member(20n, BOB, "joined"), 0);
    s = kicked(s, BOB);
    expect(s.call?.members.get(BOB)).toBe("kicked");
    const out = applyRoomEvent(s, member(30n, ME, "kicked"), 0);
    expect(out.call?.ended).toBe("kicked");
    expect(applyRoomEvent(out, member(30n, ME, "kicked"), 0)).toBe(out);
    // My own leave notice does not end anything (leaving is my own doing).
    expect(applyRoomEvent(s, member(31n, ME, "left"), 0).call?.ended).toBe(null);
  });

  it("remembers a bounded number of event ids", () => {
    let s = emptyCallState(ME);
    for (let i = 0n; i < 600n; i++) s = firstSight(s, i)!;
    expect(s.seen.length).toBe(500);
    expect(firstSight(s, 599n)).toBe(null);
    expect(firstSight(s, 0n)).not.toBe(null); // long forgotten
  });
});

describe("ice servers", () => {
  it("uses every STUN server and TURN with its credentials", () => {
    expect(
      iceServers({
        stunServers: ["stun:a:3478", " ", "stun:b:3478"],
        turnEnabled: true,
        turnServerUrl: "turn:t:3478",
        turnUsername: "1800000000:7",
        turnPassword: "c2VjcmV0",
      }),
    ).toEqual([
      { urls: ["stun:a:3478", "stun:b:3478"] },
      { urls: "turn:t:3478", username: "1800000000:7", credential: "c2VjcmV0" },
    ]);
  });

  it("leaves TURN out when it is off or has no URL", () => {
    const base = { stunServers: [], turnUsername: "u", turnPassword: "p" };
    expect(iceServers({ ...base, turnEnabled: false, turnServerUrl: "turn:t" })).toEqual([]);
    expect(iceServers({ ...base, turnEnabled: true, turnServerUrl: "" })).toEqual([]);
  });
});

describe("offering again", () => {
  it("waits longer after each attempt, up to a bound", () => {
    expect([0, 1, 2, 3, 9].map(reofferDelayMs)).toEqual([5000, 7000, 10_000, 15_000, 15_000]);
  });
});
