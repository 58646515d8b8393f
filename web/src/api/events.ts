/** FetchMsgsResponse (generated type) to the client's plain ChatEvent. */
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { FetchMsgsResponse } from "./gen/service/ourchat/msg_delivery/v1/msg_delivery_pb";
import { AcceptFriendInvitationResult } from "./gen/service/ourchat/friends/accept_friend_invitation/v1/accept_friend_invitation_pb";
import { SignalType } from "./gen/service/ourchat/webrtc/signal/v1/signal_pb";
import type { ChatEvent, Micros, SignalEvent } from "../state/events";

const SIGNALS: Partial<Record<SignalType, SignalEvent["signal"]>> = {
  [SignalType.OFFER]: "offer",
  [SignalType.ANSWER]: "answer",
  [SignalType.ICE_CANDIDATE]: "ice",
};

export function micros(t: Timestamp | undefined): Micros {
  if (t === undefined) return 0n;
  return t.seconds * 1_000_000n + BigInt(Math.floor(t.nanos / 1000));
}

export function timestamp(us: Micros): { seconds: bigint; nanos: number } {
  const seconds = us / 1_000_000n;
  return { seconds, nanos: Number(us - seconds * 1_000_000n) * 1000 };
}

const ROOM_CHANGES = {
  roomMemberJoined: "joined",
  roomMemberLeft: "left",
  roomMemberKicked: "kicked",
  roomInvitationDeclined: "declined",
  roomAdminPromoted: "promoted",
  roomAdminDemoted: "demoted",
} as const;

export function toEvent(r: FetchMsgsResponse): ChatEvent {
  const base = { id: r.msgId, time: micros(r.time) };
  const v = r.respondEventType;
  switch (v.case) {
    case "msg":
      return {
        ...base,
        kind: "msg",
        sessionId: v.value.sessionId,
        senderId: v.value.senderId,
        text: v.value.markdownText,
        files: [...v.value.involvedFiles],
        encrypted: v.value.isEncrypted,
      };
    case "recall":
      return { ...base, kind: "recall", recalledId: v.value.msgId };
    case "newFriendInvitationNotification":
      return {
        ...base,
        kind: "friendRequest",
        inviterId: v.value.inviterId,
        inviteeId: v.value.inviteeId,
        message: v.value.leaveMessage ?? "",
      };
    case "friendInvitationResultNotification":
      return {
        ...base,
        kind: "friendResult",
        inviterId: v.value.inviterId,
        inviteeId: v.value.inviteeId,
        accepted: v.value.status === AcceptFriendInvitationResult.SUCCESS,
        sessionId: v.value.sessionId ?? null,
      };
    case "inviteUserToSession":
      return {
        ...base,
        kind: "sessionInvite",
        sessionId: v.value.sessionId,
        inviterId: v.value.inviterId,
        message: v.value.leaveMessage ?? "",
      };
    case "joinSessionApproval":
      return {
        ...base,
        kind: "joinRequest",
        sessionId: v.value.sessionId,
        userId: v.value.userId,
        message: v.value.leaveMessage ?? "",
        publicKey: v.value.publicKey ?? null,
      };
    case "allowUserJoinSessionNotification":
      return {
        ...base,
        kind: "joinResult",
        sessionId: v.value.sessionId,
        accepted: v.value.accepted,
        roomKey: v.value.roomKey ?? null,
      };
    case "acceptSessionApproval":
      return {
        ...base,
        kind: "inviteAnswer",
        sessionId: v.value.sessionId,
        inviteeId: v.value.inviteeId,
        accepted: v.value.accepted,
        publicKey: v.value.publicKey ?? null,
      };
    case "receiveRoomKey":
      return {
        ...base,
        kind: "receiveRoomKey",
        sessionId: v.value.sessionId,
        senderId: v.value.userId,
        wrappedKey: v.value.roomKey,
      };
    case "updateRoomKey":
      return { ...base, kind: "updateRoomKey", sessionId: v.value.sessionId };
    case "sendRoomKey":
      return {
        ...base,
        kind: "sendRoomKey",
        sessionId: v.value.sessionId,
        userId: v.value.sender,
        publicKey: v.value.publicKey,
      };
    case "announcementResponse":
      return {
        ...base,
        kind: "announcement",
        title: v.value.announcement?.title ?? "",
        content: v.value.announcement?.content ?? "",
      };
    case "signal": {
      const signal = SIGNALS[v.value.signalType];
      if (signal === undefined) return { ...base, kind: "other" };
      return {
        ...base,
        kind: "signal",
        roomId: v.value.roomId,
        fromUserId: v.value.fromUserId,
        signal,
        sdp: v.value.sdp,
        candidate: v.value.iceCandidate,
        sdpMid: v.value.sdpMid,
        sdpMLineIndex: v.value.sdpMlineIndex,
      };
    }
    case "roomMemberJoined":
    case "roomMemberLeft":
    case "roomMemberKicked":
    case "roomInvitationDeclined":
    case "roomAdminPromoted":
    case "roomAdminDemoted": {
      const change = ROOM_CHANGES[v.case];
      return { ...base, kind: "roomMember", roomId: v.value.roomId, userId: v.value.userId, change };
    }
    case "roomInvitation":
      return {
        ...base,
        kind: "roomInvitation",
        roomId: v.value.roomId,
        inviterId: v.value.inviterId,
        title: v.value.title,
      };
    default:
      return { ...base, kind: "other" };
  }
}
