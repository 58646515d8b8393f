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
}

export interface JoinResultEvent extends Base {
  kind: "joinResult";
  sessionId: bigint;
  accepted: boolean;
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
  change: "joined" | "left" | "kicked" | "declined";
}

/** An admin invited me into a call room: ring (live only). */
export interface RoomInvitationEvent extends Base {
  kind: "roomInvitation";
  roomId: bigint;
  inviterId: bigint;
  title: string;
}

/** Any variant this client does not show (room keys …); it still moves the cursor. */
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
  | OtherEvent;
