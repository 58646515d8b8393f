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

/** Any variant this client does not show (room keys, call signals …); it still moves the cursor. */
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
  | OtherEvent;
