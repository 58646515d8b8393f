/** Server events as the client state sees them: plain data, no transport types. */

/** Microseconds since the Unix epoch. */
export type Micros = bigint;

interface Base {
  /** The event's msg_id (unique per server). */
  id: bigint;
  /** When the server stored it. */
  time: Micros;
}

export interface MessageEvent extends Base {
  kind: "msg";
  sessionId: bigint;
  senderId: bigint;
  text: string;
  files: string[];
  encrypted: boolean;
}

export interface RecallEvent extends Base {
  kind: "recall";
  /** The msg_id of the message taken back. */
  recalledId: bigint;
}

export interface FriendRequestEvent extends Base {
  kind: "friendRequest";
  inviterId: bigint;
  inviteeId: bigint;
  message: string;
}

export interface FriendResultEvent extends Base {
  kind: "friendResult";
  inviterId: bigint;
  inviteeId: bigint;
  accepted: boolean;
  sessionId: bigint | null;
}

export interface SessionInviteEvent extends Base {
  kind: "sessionInvite";
  sessionId: bigint;
  inviterId: bigint;
  message: string;
}

export interface JoinRequestEvent extends Base {
  kind: "joinRequest";
  sessionId: bigint;
  userId: bigint;
  message: string;
  /** The applicant's registered public key (end-to-end encrypted sessions only). */
  publicKey: Uint8Array | null;
}

export interface JoinResultEvent extends Base {
  kind: "joinResult";
  sessionId: bigint;
  accepted: boolean;
  /** A room key wrapped for me by the approver, if they sent one. */
  roomKey: Uint8Array | null;
}

export interface AnnouncementEvent extends Base {
  kind: "announcement";
  title: string;
  content: string;
}

/** A call signal addressed to me (live only): an SDP offer or answer, or one ICE candidate. */
export interface SignalEvent extends Base {
  kind: "signal";
  roomId: bigint;
  fromUserId: bigint;
  signal: "offer" | "answer" | "ice";
  sdp: string;
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
}

/** Something happened to someone in a call room (live only). */
export interface RoomMemberEvent extends Base {
  kind: "roomMember";
  roomId: bigint;
  userId: bigint;
  change: "joined" | "left" | "kicked" | "declined" | "promoted" | "demoted";
}

/** An admin invited me into a call room: ring (live only). */
export interface RoomInvitationEvent extends Base {
  kind: "roomInvitation";
  roomId: bigint;
  inviterId: bigint;
  title: string;
}

/** accept_session_approval: an invitee answered an invitation I sent. */
export interface InviteAnswerEvent extends Base {
  kind: "inviteAnswer";
  sessionId: bigint;
  inviteeId: bigint;
  accepted: boolean;
  /** The invitee's registered public key (end-to-end encrypted sessions only). */
  publicKey: Uint8Array | null;
}

/** receive_room_key: a room key a member (`senderId`, maybe me) wrapped for me. */
export interface ReceiveRoomKeyEvent extends Base {
  kind: "receiveRoomKey";
  sessionId: bigint;
  senderId: bigint;
  wrappedKey: Uint8Array;
}

/** update_room_key: the server asks me to make a new room key for a session. */
export interface UpdateRoomKeyEvent extends Base {
  kind: "updateRoomKey";
  sessionId: bigint;
}

/** send_room_key: one member (with their public key) the requested room key is for. */
export interface SendRoomKeyEvent extends Base {
  kind: "sendRoomKey";
  sessionId: bigint;
  userId: bigint;
  publicKey: Uint8Array;
}

/** Any variant this client does not show; it still moves the cursor. */
export interface OtherEvent extends Base {
  kind: "other";
}

export type ChatEvent =
  | MessageEvent
  | RecallEvent
  | FriendRequestEvent
  | FriendResultEvent
  | SessionInviteEvent
  | JoinRequestEvent
  | JoinResultEvent
  | AnnouncementEvent
  | SignalEvent
  | RoomMemberEvent
  | RoomInvitationEvent
  | InviteAnswerEvent
  | ReceiveRoomKeyEvent
  | UpdateRoomKeyEvent
  | SendRoomKeyEvent
  | OtherEvent;
