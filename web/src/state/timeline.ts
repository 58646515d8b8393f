/**
 * The client's view of everything the event stream delivered: messages per session, unread counts,
 * pending requests and the resume cursor. Pure functions over an immutable state, unit-tested.
 */
import type { ChatEvent, Micros, MessageEvent } from "./events";

export interface FriendRequest {
  /** The other user. */
  userId: bigint;
  message: string;
  /** True when the other user asked me. */
  incoming: boolean;
  time: Micros;
}

export interface JoinRequest {
  sessionId: bigint;
  userId: bigint;
  message: string;
  time: Micros;
}

export interface SessionInvite {
  sessionId: bigint;
  inviterId: bigint;
  message: string;
  time: Micros;
}

export interface Announcement {
  id: bigint;
  title: string;
  content: string;
  time: Micros;
}

export interface Timeline {
  me: bigint;
  /** Every msg_id applied so far: a replay after a reconnect never doubles an event. */
  seen: ReadonlySet<bigint>;
  /** Messages per session, ascending by (time, id). */
  messages: ReadonlyMap<bigint, readonly MessageEvent[]>;
  /** Messages not yet read, per session. */
  unread: ReadonlyMap<bigint, number>;
  /** The session the user is looking at (its messages count as read). */
  open: bigint | null;
  /** The time of the newest event received: the stream resumes from here. */
  cursor: Micros;
  friendRequests: readonly FriendRequest[];
  joinRequests: readonly JoinRequest[];
  /** Invitations to sessions waiting for my answer. */
  invites: readonly SessionInvite[];
  /** Sessions that appeared through events (friend accepted, invited, joined). */
  sessionIds: readonly bigint[];
  announcements: readonly Announcement[];
}

export function emptyTimeline(me: bigint): Timeline {
  return {
    me,
    seen: new Set(),
    messages: new Map(),
    unread: new Map(),
    open: null,
    cursor: 0n,
    friendRequests: [],
    joinRequests: [],
    invites: [],
    sessionIds: [],
    announcements: [],
  };
}

function before(a: MessageEvent, b: MessageEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.id < b.id);
}

function insertSorted(list: readonly MessageEvent[], m: MessageEvent): MessageEvent[] {
  const out = list.slice();
  let i = out.length;
  while (i > 0 && before(m, out[i - 1])) i--;
  out.splice(i, 0, m);
  return out;
}

function addSession(ids: readonly bigint[], id: bigint | null): readonly bigint[] {
  return id === null || ids.includes(id) ? ids : [...ids, id];
}

function withoutFriendRequest(list: readonly FriendRequest[], userId: bigint): FriendRequest[] {
  return list.filter((r) => r.userId !== userId);
}

/** Apply events (live or replayed, in any order, duplicates allowed) to the timeline. */
export function applyEvents(state: Timeline, events: readonly ChatEvent[]): Timeline {
  let s = state;
  for (const e of events) s = applyEvent(s, e);
  return s;
}

export function applyEvent(state: Timeline, e: ChatEvent): Timeline {
  if (state.seen.has(e.id)) return state;
  const seen = new Set(state.seen);
  seen.add(e.id);
  const s: Timeline = { ...state, seen, cursor: e.time > state.cursor ? e.time : state.cursor };
  switch (e.kind) {
    case "msg": {
      const messages = new Map(s.messages);
      messages.set(e.sessionId, insertSorted(messages.get(e.sessionId) ?? [], e));
      let unread = s.unread;
      if (e.senderId !== s.me && s.open !== e.sessionId) {
        const counts = new Map(unread);
        counts.set(e.sessionId, (counts.get(e.sessionId) ?? 0) + 1);
        unread = counts;
      }
      return { ...s, messages, unread, sessionIds: addSession(s.sessionIds, e.sessionId) };
    }
    case "recall":
      return recall(s, e.recalledId);
    case "friendRequest": {
      const incoming = e.inviteeId === s.me;
      const userId = incoming ? e.inviterId : e.inviteeId;
      const request = { userId, message: e.message, incoming, time: e.time };
      return { ...s, friendRequests: [...withoutFriendRequest(s.friendRequests, userId), request] };
    }
    case "friendResult": {
      const userId = e.inviterId === s.me ? e.inviteeId : e.inviterId;
      return {
        ...s,
        friendRequests: withoutFriendRequest(s.friendRequests, userId),
        sessionIds: e.accepted ? addSession(s.sessionIds, e.sessionId) : s.sessionIds,
      };
    }
    case "sessionInvite": {
      // The inviter sees the invitation too; only the invitee answers it.
      if (e.inviterId === s.me) return s;
      const rest = s.invites.filter((i) => i.sessionId !== e.sessionId);
      const invite = { sessionId: e.sessionId, inviterId: e.inviterId, message: e.message, time: e.time };
      return { ...s, invites: [...rest, invite] };
    }
    case "joinRequest": {
      if (e.userId === s.me) return s;
      const rest = s.joinRequests.filter(
        (r) => !(r.sessionId === e.sessionId && r.userId === e.userId),
      );
      const request = { sessionId: e.sessionId, userId: e.userId, message: e.message, time: e.time };
      return { ...s, joinRequests: [...rest, request] };
    }
    case "joinResult":
      return e.accepted ? { ...s, sessionIds: addSession(s.sessionIds, e.sessionId) } : s;
    case "announcement": {
      const item = { id: e.id, title: e.title, content: e.content, time: e.time };
      return { ...s, announcements: [...s.announcements, item] };
    }
    case "signal":
    case "roomMember":
    case "roomInvitation":
    case "inviteAnswer":
    case "receiveRoomKey":
    case "updateRoomKey":
    case "sendRoomKey":
    case "other":
      return s;
  }
}

function recall(s: Timeline, recalledId: bigint): Timeline {
  for (const [sessionId, list] of s.messages) {
    const i = list.findIndex((m) => m.id === recalledId);
    if (i >= 0) {
      const messages = new Map(s.messages);
      messages.set(sessionId, [...list.slice(0, i), ...list.slice(i + 1)]);
      return { ...s, messages };
    }
  }
  return s;
}

/** A join request answered (by me or another admin): it leaves the list. */
export function dropJoinRequest(s: Timeline, sessionId: bigint, userId: bigint): Timeline {
  const joinRequests = s.joinRequests.filter(
    (r) => !(r.sessionId === sessionId && r.userId === userId),
  );
  return { ...s, joinRequests };
}

/** An invitation I answered. */
export function dropInvite(s: Timeline, sessionId: bigint): Timeline {
  return { ...s, invites: s.invites.filter((i) => i.sessionId !== sessionId) };
}

/** A friend request I answered or withdrew. */
export function dropFriendRequest(s: Timeline, userId: bigint): Timeline {
  return { ...s, friendRequests: withoutFriendRequest(s.friendRequests, userId) };
}

/** Open a session: its unread count goes to zero. */
export function openSession(s: Timeline, sessionId: bigint | null): Timeline {
  if (sessionId === null) return { ...s, open: null };
  const unread = new Map(s.unread);
  unread.delete(sessionId);
  return { ...s, open: sessionId, unread, sessionIds: addSession(s.sessionIds, sessionId) };
}

/** A session I left or that was deleted. */
export function forgetSession(s: Timeline, sessionId: bigint): Timeline {
  const messages = new Map(s.messages);
  messages.delete(sessionId);
  const unread = new Map(s.unread);
  unread.delete(sessionId);
  return {
    ...s,
    messages,
    unread,
    open: s.open === sessionId ? null : s.open,
    sessionIds: s.sessionIds.filter((id) => id !== sessionId),
  };
}

/** The time to resume the stream from: one microsecond before the newest event (ties re-sent, then dropped as seen). */
export function resumeFrom(s: Timeline): Micros {
  return s.cursor > 0n ? s.cursor - 1n : 0n;
}

/** The last message of a session, for the session list. */
export function lastMessage(s: Timeline, sessionId: bigint): MessageEvent | undefined {
  const list = s.messages.get(sessionId);
  return list === undefined ? undefined : list[list.length - 1];
}

/** A page of history, newest last: `count` messages before `beforeId` (or the newest ones). */
export function page(
  s: Timeline,
  sessionId: bigint,
  count: number,
  beforeId: bigint | null,
): { items: readonly MessageEvent[]; more: boolean } {
  const list = s.messages.get(sessionId) ?? [];
  let end = list.length;
  if (beforeId !== null) {
    const i = list.findIndex((m) => m.id === beforeId);
    end = i < 0 ? list.length : i;
  }
  const start = Math.max(0, end - count);
  return { items: list.slice(start, end), more: start > 0 };
}

/** Session ids ordered for the list: newest activity first. */
export function sessionOrder(s: Timeline, ids: readonly bigint[]): bigint[] {
  const key = (id: bigint): Micros => lastMessage(s, id)?.time ?? 0n;
  return [...ids].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka === kb ? (a < b ? -1 : a > b ? 1 : 0) : kb > ka ? 1 : -1;
  });
}
