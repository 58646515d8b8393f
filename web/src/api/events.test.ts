import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { FetchMsgsResponseSchema } from "./gen/service/ourchat/msg_delivery/v1/msg_delivery_pb";
import { AcceptFriendInvitationResult } from "./gen/service/ourchat/friends/accept_friend_invitation/v1/accept_friend_invitation_pb";
import { SignalType } from "./gen/service/ourchat/webrtc/signal/v1/signal_pb";
import { micros, timestamp, toEvent } from "./events";

describe("toEvent", () => {
  it("converts times to microseconds and back", () => {
    expect(micros({ seconds: 2n, nanos: 5_000 } as never)).toBe(2_000_005n);
    expect(timestamp(2_000_005n)).toEqual({ seconds: 2n, nanos: 5_000 });
    expect(micros(undefined)).toBe(0n);
  });

  it("maps a message with its files", () => {
    const r = create(FetchMsgsResponseSchema, {
      msgId: 7n,
      time: { seconds: 1n, nanos: 0 },
      respondEventType: {
        case: "msg",
        value: { sessionId: 3n, senderId: 4n, markdownText: "![x](IO://0)", involvedFiles: ["k"] },
      },
    });
    expect(toEvent(r)).toEqual({
      kind: "msg",
      id: 7n,
      time: 1_000_000n,
      sessionId: 3n,
      senderId: 4n,
      text: "![x](IO://0)",
      files: ["k"],
      encrypted: false,
    });
  });

  it("maps recalls, friend results and unknown variants", () => {
    const recall = create(FetchMsgsResponseSchema, {
      msgId: 8n,
      respondEventType: { case: "recall", value: { msgId: 7n } },
    });
    expect(toEvent(recall)).toMatchObject({ kind: "recall", recalledId: 7n });
    const result = create(FetchMsgsResponseSchema, {
      msgId: 9n,
      respondEventType: {
        case: "friendInvitationResultNotification",
        value: { inviterId: 1n, inviteeId: 2n, status: AcceptFriendInvitationResult.SUCCESS, sessionId: 5n },
      },
    });
    expect(toEvent(result)).toMatchObject({ kind: "friendResult", accepted: true, sessionId: 5n });
    const empty = create(FetchMsgsResponseSchema, { msgId: 10n });
    expect(toEvent(empty)).toEqual({ kind: "other", id: 10n, time: 0n });
  });

  it("maps the room-key events and the public keys of e2ee notices", () => {
    const event = (value: object) => toEvent(create(FetchMsgsResponseSchema, { msgId: 1n, respondEventType: value as never }));
    const key = new Uint8Array([1, 2, 3]);
    expect(event({ case: "receiveRoomKey", value: { sessionId: 5n, userId: 6n, roomKey: key } })).toMatchObject({
      kind: "receiveRoomKey",
      sessionId: 5n,
      senderId: 6n,
      wrappedKey: key,
    });
    expect(event({ case: "updateRoomKey", value: { sessionId: 5n } })).toMatchObject({ kind: "updateRoomKey", sessionId: 5n });
    expect(event({ case: "sendRoomKey", value: { sessionId: 5n, sender: 7n, publicKey: key } })).toMatchObject({
      kind: "sendRoomKey",
      userId: 7n,
      publicKey: key,
    });
    expect(
      event({ case: "acceptSessionApproval", value: { sessionId: 5n, inviteeId: 8n, accepted: true, publicKey: key } }),
    ).toMatchObject({ kind: "inviteAnswer", inviteeId: 8n, accepted: true, publicKey: key });
    expect(event({ case: "joinSessionApproval", value: { sessionId: 5n, userId: 9n } })).toMatchObject({
      kind: "joinRequest",
      publicKey: null,
    });
    expect(
      event({ case: "allowUserJoinSessionNotification", value: { sessionId: 5n, accepted: true, roomKey: key } }),
    ).toMatchObject({ kind: "joinResult", roomKey: key });
  });
});

describe("call events", () => {
  it("maps signals and room notices, and skips a signal of no known type", () => {
    const at = { msgId: 9n, time: { seconds: 1n, nanos: 0 } };
    const signal = create(FetchMsgsResponseSchema, {
      ...at,
      respondEventType: {
        case: "signal",
        value: { roomId: 5n, fromUserId: 6n, signalType: SignalType.ICE_CANDIDATE, iceCandidate: "candidate:1", sdpMid: "0", sdpMlineIndex: 0 },
      },
    });
    expect(toEvent(signal)).toEqual({
      kind: "signal",
      id: 9n,
      time: 1_000_000n,
      roomId: 5n,
      fromUserId: 6n,
      signal: "ice",
      sdp: "",
      candidate: "candidate:1",
      sdpMid: "0",
      sdpMLineIndex: 0,
    });
    const unknown = create(FetchMsgsResponseSchema, {
      ...at,
      respondEventType: { case: "signal", value: { roomId: 5n, signalType: SignalType.UNSPECIFIED } },
    });
    expect(toEvent(unknown).kind).toBe("other");
    const declined = create(FetchMsgsResponseSchema, {
      ...at,
      respondEventType: { case: "roomInvitationDeclined", value: { roomId: 5n, userId: 7n } },
    });
    expect(toEvent(declined)).toEqual({ kind: "roomMember", id: 9n, time: 1_000_000n, roomId: 5n, userId: 7n, change: "declined" });
    const ring = create(FetchMsgsResponseSchema, {
      ...at,
      respondEventType: { case: "roomInvitation", value: { roomId: 5n, inviterId: 6n, title: "Video call: x" } },
    });
    expect(toEvent(ring)).toEqual({ kind: "roomInvitation", id: 9n, time: 1_000_000n, roomId: 5n, inviterId: 6n, title: "Video call: x" });
  });
});
