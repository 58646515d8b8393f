/**
 * The logged-in client: owns the event stream, the timeline, and caches of users and sessions;
 * every screen reads these stores and calls the actions here.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { sha3_256 } from "@noble/hashes/sha3.js";
import { callError } from "../api/errors";
import { timestamp, toEvent } from "../api/events";
import { QueryValues as AccountQuery } from "../api/gen/service/ourchat/get_account_info/v1/get_account_info_pb";
import { QueryValues as SessionQuery } from "../api/gen/service/ourchat/session/get_session_info/v1/get_session_info_pb";
import { AcceptFriendInvitationResult } from "../api/gen/service/ourchat/friends/accept_friend_invitation/v1/accept_friend_invitation_pb";
import { RunningStatus } from "../api/gen/service/basic/server/v1/server_pb";
import type { ChatEvent } from "../state/events";
import { withImages } from "../state/markdown";
import type { E2eeSession } from "../state/e2eeSession";
import { Store } from "../state/store";
import { keepStreaming, sleep, type StreamState } from "../state/stream";
import {
  applyEvents,
  dropFriendRequest,
  dropInvite,
  dropJoinRequest,
  emptyTimeline,
  forgetSession,
  openSession,
  resumeFrom,
  type Timeline,
} from "../state/timeline";
import { api } from "./api";
import { CallController } from "./call/engine";
import { createE2ee, startE2ee } from "./e2ee/account";
import { login, signedOutBecause, type Login } from "./login";

export interface UserInfo {
  id: bigint;
  ocid: string;
  name: string;
  /** My contact name for this user ("" when none). */
  displayName: string;
  status: string;
  avatarKey: string;
}

export interface SessionInfo {
  id: bigint;
  name: string;
  description: string;
  avatarKey: string;
  members: bigint[];
  /** user id → role id (1 member, 2 admin, 3 owner, 4 and up custom: state/roles.ts). */
  roles: Map<bigint, bigint>;
}

export interface Me extends UserInfo {
  email: string;
  friends: bigint[];
  sessions: bigint[];
}

export interface Upload {
  name: string;
  sent: number;
  size: number;
}

function isMaintenance(err: unknown): boolean {
  const e = ConnectError.from(err);
  return e.code === Code.Unavailable && e.rawMessage === "Server Maintaining";
}

export class ChatClient {
  readonly timeline: Store<Timeline>;
  readonly stream = new Store<StreamState>("connecting");
  readonly users = new Store<ReadonlyMap<bigint, UserInfo>>(new Map());
  readonly sessions = new Store<ReadonlyMap<bigint, SessionInfo>>(new Map());
  readonly me = new Store<Me | null>(null);
  /** Object URLs of downloaded files, by key. */
  readonly files = new Store<ReadonlyMap<string, string>>(new Map());
  readonly uploads = new Store<readonly Upload[]>([]);
  readonly maintenance = new Store<boolean>(false);
  readonly calls: CallController;
  /** End-to-end encryption: room keys and the opened text of encrypted messages. */
  readonly e2ee: E2eeSession;
  private pending = new Set<string>();
  private abort = new AbortController();
  private loadingUsers = new Set<bigint>();
  private loadingSessions = new Set<bigint>();

  constructor(readonly login: Login) {
    this.timeline = new Store(emptyTimeline(login.userId));
    this.calls = new CallController(this);
    this.e2ee = createE2ee(login.userId);
  }

  /** Start: my account, then the stream from epoch 0 (every visible event). */
  start(): void {
    void this.refreshMe();
    void this.watchServerStatus();
    this.calls.start();
    void startE2ee(this.e2ee, this.login.userId);
    void keepStreaming(
      {
        open: (since, signal) => this.openStream(since, signal),
        resumeFrom: () => resumeFrom(this.timeline.get()),
        onEvents: (events) => this.onEvents(events),
        onState: (s) => {
          this.stream.set(s);
          if (s === "live") this.maintenance.set(false);
          if (s === "maintenance") this.maintenance.set(true);
          if (s === "unauthenticated") login.set(null);
        },
        classify: (err) => {
          if (isMaintenance(err)) return { kind: "maintenance" };
          const e = ConnectError.from(err);
          if (e.code !== Code.Unauthenticated) return { kind: "other" };
          signedOutBecause.set(e.rawMessage);
          return { kind: "unauthenticated" };
        },
        sleep,
      },
      this.abort.signal,
    );
    addEventListener("online", this.wake);
    document.addEventListener("visibilitychange", this.wake);
  }

  stop(): void {
    this.abort.abort();
    this.calls.stop();
    this.e2ee.stop();
    removeEventListener("online", this.wake);
    document.removeEventListener("visibilitychange", this.wake);
    for (const url of this.files.get().values()) URL.revokeObjectURL(url);
  }

  /** After sleep or a network change: reopen the stream at once (it resumes from the cursor). */
  private wake = (): void => {
    if (document.visibilityState === "visible" && this.stream.get() !== "live") this.restartStream();
  };

  private streamAbort: AbortController | null = null;

  private restartStream(): void {
    this.streamAbort?.abort();
  }

  private async *openStream(since: bigint, signal: AbortSignal): AsyncIterable<ChatEvent> {
    const own = new AbortController();
    this.streamAbort = own;
    const onAbort = () => own.abort();
    signal.addEventListener("abort", onAbort);
    try {
      const stream = api.chat.fetchMsgs({ time: timestamp(since) }, { signal: own.signal });
      for await (const r of stream) yield toEvent(r);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  private onEvents(events: ChatEvent[]): void {
    this.timeline.update((t) => applyEvents(t, events));
    this.calls.onEvents(events);
    void this.e2ee.handle(events);
    for (const e of events) {
      if (e.kind === "msg") {
        this.ensureUser(e.senderId);
        this.ensureSession(e.sessionId);
      } else if (e.kind === "friendRequest") {
        this.ensureUser(e.inviterId);
        this.ensureUser(e.inviteeId);
      } else if (e.kind === "friendResult") {
        this.ensureUser(e.inviterId);
        this.ensureUser(e.inviteeId);
        if (e.accepted) void this.refreshMe();
      } else if (e.kind === "joinRequest") {
        this.ensureUser(e.userId);
        this.ensureSession(e.sessionId);
      } else if (e.kind === "sessionInvite") {
        this.ensureUser(e.inviterId);
        this.ensureSession(e.sessionId);
      } else if (e.kind === "joinResult") {
        if (e.accepted) {
          this.sessions.update((m) => {
            const next = new Map(m);
            next.delete(e.sessionId);
            return next;
          });
          this.loadingSessions.delete(e.sessionId);
          void this.refreshMe();
        }
        this.ensureSession(e.sessionId);
      }
    }
  }

  /** Poll GetServerInfo while in maintenance, so the page notices when it ends. */
  private async watchServerStatus(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const info = await api.basic.getServerInfo({});
        const on = info.status === RunningStatus.MAINTAINING;
        this.maintenance.set(on);
        if (!on && this.stream.get() === "maintenance") this.restartStream();
      } catch {
        // offline: the stream state says so
      }
      await sleep(this.maintenance.get() ? 2000 : 5000, this.abort.signal);
    }
  }

  async refreshMe(): Promise<void> {
    const r = await api.chat.getAccountInfo({
      requestValues: [
        AccountQuery.OCID,
        AccountQuery.EMAIL,
        AccountQuery.USER_NAME,
        AccountQuery.STATUS,
        AccountQuery.AVATAR_KEY,
        AccountQuery.SESSIONS,
        AccountQuery.FRIENDS,
      ],
    });
    const me: Me = {
      id: this.login.userId,
      ocid: r.ocid ?? this.login.ocid,
      email: r.email ?? "",
      name: r.userName ?? "",
      displayName: "",
      status: r.status ?? "",
      avatarKey: r.avatarKey ?? "",
      friends: [...r.friends],
      sessions: [...r.sessions],
    };
    this.me.set(me);
    this.users.update((m) => new Map(m).set(me.id, me));
    for (const id of me.friends) this.ensureUser(id);
    for (const id of me.sessions) this.ensureSession(id);
  }

  ensureUser(id: bigint, force = false): void {
    if (id === 0n || (!force && (this.users.get().has(id) || this.loadingUsers.has(id)))) return;
    this.loadingUsers.add(id);
    void api.chat
      .getAccountInfo({
        id,
        requestValues: [
          AccountQuery.OCID,
          AccountQuery.USER_NAME,
          AccountQuery.DISPLAY_NAME,
          AccountQuery.STATUS,
          AccountQuery.AVATAR_KEY,
        ],
      })
      .then((r) => {
        const u: UserInfo = {
          id,
          ocid: r.ocid ?? "",
          name: r.userName ?? "",
          displayName: r.displayName ?? "",
          status: r.status ?? "",
          avatarKey: r.avatarKey ?? "",
        };
        this.users.update((m) => new Map(m).set(id, u));
      })
      .catch(() => {})
      .finally(() => this.loadingUsers.delete(id));
  }

  ensureSession(id: bigint, force = false): void {
    if (!force && (this.sessions.get().has(id) || this.loadingSessions.has(id))) return;
    this.loadingSessions.add(id);
    const publicValues = [SessionQuery.NAME, SessionQuery.AVATAR_KEY, SessionQuery.DESCRIPTION];
    const get = (queryValues: SessionQuery[]) => api.chat.getSessionInfo({ sessionId: id, queryValues });
    // Members and roles are for members only: someone invited or asking to join sees the rest.
    void get([...publicValues, SessionQuery.MEMBERS, SessionQuery.ROLES])
      .catch(() => get(publicValues))
      .then((r) => {
        const s: SessionInfo = {
          id,
          name: r.name ?? "",
          description: r.description ?? "",
          avatarKey: r.avatarKey ?? "",
          members: [...r.members],
          roles: new Map(r.roles.map((x) => [x.userId, BigInt(x.role)])),
        };
        this.sessions.update((m) => new Map(m).set(id, s));
        for (const u of s.members.slice(0, 50)) this.ensureUser(u);
      })
      .catch(() => {})
      .finally(() => this.loadingSessions.delete(id));
  }

  /** The name to show for a user: my contact name, else their name, else their OCID. */
  userName(id: bigint): string {
    const u = this.users.get().get(id);
    if (u === undefined) return `#${id}`;
    return u.displayName || u.name || u.ocid;
  }

  /** A session's title: its name, or for a two-person chat the other person. */
  sessionTitle(id: bigint): string {
    const s = this.sessions.get().get(id);
    if (s === undefined) return `#${id}`;
    if (s.name !== "") return s.name;
    const others = s.members.filter((m) => m !== this.login.userId);
    return others.map((m) => this.userName(m)).join(", ") || `#${id}`;
  }

  open(sessionId: bigint | null): void {
    this.timeline.update((t) => openSession(t, sessionId));
    if (sessionId !== null) this.ensureSession(sessionId);
  }

  // --- messages ---------------------------------------------------------------------------

  async send(sessionId: bigint, text: string, files: readonly File[] = []): Promise<void> {
    const keys: string[] = [];
    for (const f of files) keys.push(await this.upload(f, sessionId, true));
    const images = files.map((f, i) => (f.type.startsWith("image/") ? i : -1)).filter((i) => i >= 0);
    const attachments = files
      .map((f, i) => (f.type.startsWith("image/") ? "" : `[${f.name}](IO://${i})`))
      .filter((s) => s !== "");
    const body = [text.trim(), ...attachments].filter((s) => s !== "").join("\n\n");
    const markdownText = withImages(body, images);
    const sealed = await this.e2ee.seal(sessionId, markdownText);
    try {
      await api.chat.sendMsg({
        sessionId,
        markdownText: sealed ?? markdownText,
        involvedFiles: keys,
        isEncrypted: sealed !== null,
      });
    } catch (err) {
      if (sealed !== null && callError(err).detail === "E2EE Not On") this.e2ee.disabled(sessionId);
      throw err;
    }
  }

  async recall(sessionId: bigint, msgId: bigint): Promise<void> {
    await api.chat.recallMsg({ sessionId, msgId });
  }

  // --- files ------------------------------------------------------------------------------

  /** Upload with the chunked API (progress in `uploads`); returns the file key. */
  async upload(file: File, sessionId: bigint | null, autoClean: boolean): Promise<string> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const entry: Upload = { name: file.name, sent: 0, size: bytes.length };
    this.uploads.update((u) => [...u, entry]);
    const progress = (sent: number) =>
      this.uploads.update((u) => u.map((x) => (x.name === entry.name ? { ...x, sent } : x)));
    try {
      const start = await api.chat.startUpload({
        hash: sha3_256(bytes),
        size: BigInt(bytes.length),
        autoClean,
        sessionId: sessionId ?? undefined,
      });
      const size = Math.max(1, start.chunkSize);
      let chunkId = 0n;
      for (let off = 0; off < bytes.length; off += size) {
        await api.chat.uploadChunk({
          uploadId: start.uploadId,
          chunkData: bytes.subarray(off, off + size),
          chunkId,
        });
        chunkId++;
        progress(Math.min(bytes.length, off + size));
      }
      const done = await api.chat.completeUpload({ uploadId: start.uploadId });
      return done.key;
    } finally {
      this.uploads.update((u) => u.filter((x) => x !== entry && x.name !== entry.name));
    }
  }

  /** Fetch a file (once) and keep an object URL for it in `files`. */
  fetchFile(key: string): void {
    if (key === "" || this.files.get().has(key) || this.pending.has(key)) return;
    this.pending.add(key);
    void (async () => {
      const parts: Uint8Array[] = [];
      for await (const r of api.chat.download({ key })) parts.push(r.data);
      const blob = new Blob(parts as BlobPart[], { type: sniffType(parts[0]) });
      const url = URL.createObjectURL(blob);
      this.files.update((m) => new Map(m).set(key, url));
    })()
      .catch(() => {})
      .finally(() => this.pending.delete(key));
  }

  // --- friends ----------------------------------------------------------------------------

  async findUser(ocid: string): Promise<bigint> {
    const r = await api.basic.getId({ ocid: ocid.trim() });
    return r.id;
  }

  async addFriend(ocid: string, message: string): Promise<void> {
    const id = await this.findUser(ocid);
    await api.chat.addFriend({ friendId: id, leaveMessage: message || undefined });
    this.ensureUser(id);
  }

  async answerFriend(userId: bigint, accept: boolean): Promise<void> {
    await api.chat.acceptFriendInvitation({
      friendId: userId,
      status: accept ? AcceptFriendInvitationResult.SUCCESS : AcceptFriendInvitationResult.FAIL,
    });
    this.timeline.update((t) => dropFriendRequest(t, userId));
    if (accept) await this.refreshMe();
  }

  async setContactName(userId: bigint, name: string): Promise<void> {
    await api.chat.setFriendInfo({ id: userId, displayName: name });
    this.ensureUser(userId, true);
  }

  async removeFriend(userId: bigint): Promise<void> {
    await api.chat.deleteFriend({ friendId: userId });
    await this.refreshMe();
  }

  // --- groups -----------------------------------------------------------------------------

  /** Create a group; an encrypted one is created plain and switched on, so the server hands me the members' keys. */
  async newGroup(name: string, memberOcids: readonly string[], encrypted = false): Promise<bigint> {
    const members: bigint[] = [];
    for (const o of memberOcids) if (o.trim() !== "") members.push(await this.findUser(o));
    const r = await api.chat.newSession({ members, name, e2eeOn: false });
    if (encrypted) await this.e2ee.enable(r.sessionId);
    await this.refreshMe();
    this.ensureSession(r.sessionId, true);
    return r.sessionId;
  }

  async requestJoin(sessionId: bigint, message: string): Promise<void> {
    await api.chat.joinSession({ sessionId, leaveMessage: message || undefined });
  }

  async answerJoin(sessionId: bigint, userId: bigint, accepted: boolean): Promise<void> {
    await api.chat.allowUserJoinSession({ sessionId, userId, accepted });
    if (accepted && this.e2ee.isEncrypted(sessionId)) await this.e2ee.newKey(sessionId);
    this.timeline.update((t) => dropJoinRequest(t, sessionId, userId));
    this.ensureSession(sessionId, true);
  }

  async answerInvite(sessionId: bigint, inviterId: bigint, accepted: boolean): Promise<void> {
    await api.chat.acceptJoinSessionInvitation({ sessionId, inviterId, accepted });
    this.timeline.update((t) => dropInvite(t, sessionId));
    if (accepted) {
      await this.refreshMe();
      this.ensureSession(sessionId, true);
    }
  }

  async invite(sessionId: bigint, ocid: string): Promise<void> {
    const invitee = await this.findUser(ocid);
    await api.chat.inviteUserToSession({ sessionId, invitee });
  }

  async leave(sessionId: bigint): Promise<void> {
    await api.chat.leaveSession({ sessionId });
    this.timeline.update((t) => forgetSession(t, sessionId));
    await this.refreshMe();
  }

  async deleteGroup(sessionId: bigint): Promise<void> {
    await api.chat.deleteSession({ sessionId });
    this.timeline.update((t) => forgetSession(t, sessionId));
    await this.refreshMe();
  }

  async setSessionInfo(sessionId: bigint, name: string, description: string): Promise<void> {
    await api.chat.setSessionInfo({ sessionId, name, description });
    this.ensureSession(sessionId, true);
  }

  // --- profile ----------------------------------------------------------------------------

  async setProfile(p: { name?: string; status?: string; ocid?: string; avatarKey?: string }): Promise<void> {
    await api.chat.setSelfInfo({
      userName: p.name,
      userDefinedStatus: p.status,
      ocid: p.ocid,
      avatarKey: p.avatarKey,
    });
    await this.refreshMe();
  }
}

/** A blob type from the first bytes (so an image downloaded by key renders). */
export function sniffType(head: Uint8Array | undefined): string {
  if (head === undefined || head.length < 4) return "application/octet-stream";
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return "image/png";
  if (head[0] === 0xff && head[1] === 0xd8) return "image/jpeg";
  if (head[0] === 0x47 && head[1] === 0x49 && head[2] === 0x46) return "image/gif";
  if (head.length >= 12 && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50)
    return "image/webp";
  return "application/octet-stream";
}

export { callError };
