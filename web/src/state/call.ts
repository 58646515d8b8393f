/**
 * The call as the UI sees it: the rings waiting for an answer, and the one call I am in — who
 * else is in it or was rung, who administers it, my microphone and camera. Plain data changed by
 * pure functions; the peer connections themselves live in `ui/call/engine.ts`.
 */
import type { RoomInvitationEvent, RoomMemberEvent } from "./events";

export type CallMedia = "audio" | "video";

/** Where another member stands: rung and not answered yet, declined, in the call, gone. */
export type MemberStatus = "ringing" | "declined" | "joined" | "left" | "kicked";

/** An incoming call not answered yet. */
export interface Ring {
  roomId: bigint;
  inviterId: bigint;
  title: string;
  media: CallMedia;
  /** When it arrived (ms, the page's clock), so it can stop ringing by itself. */
  receivedAt: number;
}

export interface Call {
  roomId: bigint;
  title: string;
  media: CallMedia;
  /** Every other user I know of in this call. */
  members: ReadonlyMap<bigint, MemberStatus>;
  /** Users known to hold the room's admin right (the creator, and promotions seen since). */
  admins: ReadonlySet<bigint>;
  muted: boolean;
  camera: boolean;
  /** Why the call is over for me (null while in it). */
  ended: null | "left" | "kicked";
}

export interface CallState {
  me: bigint;
  call: Call | null;
  rings: readonly Ring[];
  /** Ids of the room events already applied, newest last (a few hundred at most). */
  seen: readonly bigint[];
}

/** How long an unanswered ring lasts: the caller hanging up does not reach an invitee. */
export const RING_MS = 45_000;

const SEEN_LIMIT = 500;
const TITLE_LIMIT = 60;
const VIDEO_TITLE = "Video call";
const AUDIO_TITLE = "Audio call";

export function emptyCallState(me: bigint): CallState {
  return { me, call: null, rings: [], seen: [] };
}

/**
 * The room title of a call started from a chat: the kind of call, and the chat's name when it
 * has one (a group; a two-person chat has none, and the ring names the caller anyway).
 */
export function callTitle(media: CallMedia, chatName: string): string {
  const kind = media === "video" ? VIDEO_TITLE : AUDIO_TITLE;
  const room = chatName === "" ? kind : `${kind}: ${chatName}`;
  return room.length > TITLE_LIMIT ? `${room.slice(0, TITLE_LIMIT - 1)}…` : room;
}

/** The kind of call a room title announces (audio unless it says video). */
export function mediaOfTitle(title: string): CallMedia {
  return title.startsWith(VIDEO_TITLE) ? "video" : "audio";
}

/** Whether an event id is new; if so, the state remembering it. Events may come twice. */
export function firstSight(s: CallState, id: bigint): CallState | null {
  if (s.seen.includes(id)) return null;
  const seen = s.seen.length >= SEEN_LIMIT ? s.seen.slice(-SEEN_LIMIT + 1) : s.seen;
  return { ...s, seen: [...seen, id] };
}

/** I started a call in a room I created and rang `invited`. */
export function startedCall(
  s: CallState,
  call: { roomId: bigint; title: string; media: CallMedia; invited: readonly bigint[] },
): CallState {
  const members = new Map<bigint, MemberStatus>(call.invited.map((u) => [u, "ringing"]));
  return {
    ...s,
    rings: s.rings.filter((r) => r.roomId !== call.roomId),
    call: {
      roomId: call.roomId,
      title: call.title,
      media: call.media,
      members,
      admins: new Set([s.me]),
      muted: false,
      camera: call.media === "video",
      ended: null,
    },
  };
}

/** I answered a ring and joined; `existing` are the members JoinRoom named. */
export function joinedCall(s: CallState, ring: Ring, existing: readonly bigint[], camera: boolean): CallState {
  const members = new Map<bigint, MemberStatus>();
  for (const u of existing) if (u !== s.me) members.set(u, "joined");
  return {
    ...s,
    rings: s.rings.filter((r) => r.roomId !== ring.roomId),
    call: {
      roomId: ring.roomId,
      title: ring.title,
      media: ring.media,
      members,
      admins: new Set([ring.inviterId]),
      muted: false,
      camera,
      ended: null,
    },
  };
}

function withMember(call: Call, userId: bigint, status: MemberStatus): Call {
  const members = new Map(call.members);
  members.set(userId, status);
  const admins = status === "left" || status === "kicked" ? without(call.admins, userId) : call.admins;
  return { ...call, members, admins };
}

function without(set: ReadonlySet<bigint>, id: bigint): ReadonlySet<bigint> {
  if (!set.has(id)) return set;
  const next = new Set(set);
  next.delete(id);
  return next;
}

/** A room event from the stream; `now` is the page's clock (ms). Repeated events change nothing. */
export function applyRoomEvent(
  state: CallState,
  e: RoomMemberEvent | RoomInvitationEvent,
  now: number,
): CallState {
  const s = firstSight(state, e.id);
  if (s === null) return state;
  if (e.kind === "roomInvitation") {
    if (s.call?.roomId === e.roomId && s.call.ended === null) return s;
    const ring: Ring = {
      roomId: e.roomId,
      inviterId: e.inviterId,
      title: e.title,
      media: mediaOfTitle(e.title),
      receivedAt: now,
    };
    return { ...s, rings: [...s.rings.filter((r) => r.roomId !== e.roomId), ring] };
  }
  const call = s.call;
  if (call === null || call.roomId !== e.roomId || call.ended !== null) return s;
  if (e.change === "promoted") return { ...s, call: { ...call, admins: new Set([...call.admins, e.userId]) } };
  if (e.change === "demoted") return { ...s, call: { ...call, admins: without(call.admins, e.userId) } };
  if (e.userId === s.me) {
    // Only a kick tells me about myself; leaving is my own doing.
    return e.change === "kicked" ? { ...s, call: { ...call, ended: "kicked" } } : s;
  }
  return { ...s, call: withMember(call, e.userId, e.change) };
}

/** Rings older than RING_MS stop. */
export function expireRings(s: CallState, now: number): CallState {
  const rings = s.rings.filter((r) => now - r.receivedAt < RING_MS);
  return rings.length === s.rings.length ? s : { ...s, rings };
}

export function dropRing(s: CallState, roomId: bigint): CallState {
  return { ...s, rings: s.rings.filter((r) => r.roomId !== roomId) };
}

/** Change my side of the call (no call: nothing). */
export function updateCall(s: CallState, change: Partial<Pick<Call, "muted" | "camera" | "ended">>): CallState {
  return s.call === null ? s : { ...s, call: { ...s.call, ...change } };
}

/** `userId` is in the call (say, their offer came before the notice of their joining). */
export function inCall(s: CallState, userId: bigint): CallState {
  const call = s.call;
  if (call === null || call.members.get(userId) === "joined" || userId === s.me) return s;
  return { ...s, call: withMember(call, userId, "joined") };
}

/** I made `userId` an admin of the room. */
export function promoted(s: CallState, userId: bigint): CallState {
  if (s.call === null) return s;
  return { ...s, call: { ...s.call, admins: new Set([...s.call.admins, userId]) } };
}

/** I removed `userId` from the call (the server's notice says the same). */
export function kicked(s: CallState, userId: bigint): CallState {
  return s.call === null ? s : { ...s, call: withMember(s.call, userId, "kicked") };
}

export function closeCall(s: CallState): CallState {
  return { ...s, call: null };
}

export function isAdmin(s: CallState): boolean {
  return s.call !== null && s.call.admins.has(s.me);
}

/** Members to show in the call: everyone rung, in, or who said no (not those gone). */
export function visibleMembers(call: Call): [bigint, MemberStatus][] {
  return [...call.members].filter(([, status]) => status !== "left" && status !== "kicked");
}

/** GetVoipConfig's answer, as plain fields. */
export interface VoipConfig {
  stunServers: readonly string[];
  turnEnabled: boolean;
  turnServerUrl: string;
  turnUsername: string;
  turnPassword: string;
}

/** The ICE servers of a peer connection: every STUN server, and TURN with its credentials. */
export function iceServers(config: VoipConfig): RTCIceServer[] {
  const servers: RTCIceServer[] = [];
  const stun = config.stunServers.filter((u) => u.trim() !== "");
  if (stun.length > 0) servers.push({ urls: stun });
  if (config.turnEnabled && config.turnServerUrl !== "") {
    servers.push({
      urls: config.turnServerUrl,
      username: config.turnUsername,
      credential: config.turnPassword,
    });
  }
  return servers;
}

/**
 * When to offer again to a member whose connection is still not up: a signal may have been lost
 * while a stream was down (they are live only). The delay grows with each attempt.
 */
export function reofferDelayMs(attempt: number): number {
  return [5000, 7000, 10_000, 15_000][Math.min(attempt, 3)];
}
