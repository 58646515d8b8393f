/**
 * End-to-end encryption for the logged-in account, across all its sessions: the room keys it
 * holds, the public keys it learned, the server's requests for new keys, and the text of every
 * encrypted message it received. It plays docs/e2ee.md as the SDK's `E2EESession` does:
 *
 * - every room key it makes is wrapped for each member and for the account itself, so another
 *   browser with the same private key rebuilds the key ring by replaying `receive_room_key`;
 * - `update_room_key` (then `send_room_key` per member) makes a new key; requests seen on replay
 *   that the account answered already (a key it sent itself afterwards) are skipped, the others
 *   answered once the replay is over;
 * - an invitee accepting, or a join request approved here, makes a new key that includes them;
 * - a message is opened with the newest key held that its GCM tag accepts.
 *
 * Transport-neutral: the server calls it needs are passed in, events are the client's own.
 */
import {
  aesKey,
  decryptText,
  encryptText,
  importPublicKey,
  KeyFormatError,
  newRoomKey,
  unwrapRoomKey,
  wrapRoomKey,
} from "./e2ee";
import type { ChatEvent, MessageEvent, Micros } from "./events";
import { Store } from "./store";

export interface E2eeDeps {
  /** My user id. */
  me: bigint;
  /** The server's clock now: events up to it are replay. */
  serverTime(): Promise<Micros>;
  /** The current members of a session. */
  members(sessionId: bigint): Promise<readonly bigint[]>;
  sendRoomKey(sessionId: bigint, userId: bigint, wrappedKey: Uint8Array): Promise<void>;
  /** E2eeizeSession. */
  e2eeize(sessionId: bigint): Promise<void>;
}

export interface AccountKeys {
  privateKey: CryptoKey;
  /** My registered public key (SPKI DER). */
  publicKeyDer: Uint8Array;
}

/** This browser holds no private key for the account: encrypted chats need the backup imported. */
export class NoPrivateKeyError extends Error {
  constructor() {
    super("No Private Key"); // the UI's errors table has a text for it
  }
}

/** Milliseconds without a replayed event after which the replay counts as over. */
export const REPLAY_IDLE_MS = 1000;

interface KeyRequest {
  /** The msg_id of the update_room_key. */
  id: bigint;
  members: Map<bigint, Uint8Array>;
  /** The key made for it; members listed later get it too. */
  roomKey: Uint8Array | null;
  sentTo: Set<bigint>;
}

interface WrappedKey {
  sessionId: bigint;
  wrappedKey: Uint8Array;
}

/**
 * The opened texts of encrypted messages by msg_id: the text, null when no key held opens it,
 * undefined when not tried yet. Each change publishes a new view of one growing map, so a long
 * replay costs no copies.
 */
export interface OpenedTexts {
  get(msgId: bigint): string | null | undefined;
}

export interface ShownText {
  /** The text to render as markdown (the message's own when it is not encrypted). */
  text: string;
  /** Encrypted and not opened: `text` is the notice to show instead. */
  sealed: boolean;
}

/** What a message shows: plaintext as is, an encrypted one opened, or a plain notice that it cannot be. */
export function shownText(
  texts: OpenedTexts,
  m: MessageEvent,
  notices: { decrypting: string; undecryptable: string },
): ShownText {
  if (!m.encrypted) return { text: m.text, sealed: false };
  const opened = texts.get(m.id);
  if (opened === undefined) return { text: notices.decrypting, sealed: true };
  if (opened === null) return { text: notices.undecryptable, sealed: true };
  return { text: opened, sealed: false };
}

function view(map: ReadonlyMap<bigint, string | null>): OpenedTexts {
  return { get: (msgId) => map.get(msgId) };
}

export class E2eeSession {
  /** The opened text of every encrypted message received. */
  readonly texts: Store<OpenedTexts>;
  private opened = new Map<bigint, string | null>();
  /** Sessions known to be end-to-end encrypted. */
  readonly encrypted = new Store<ReadonlySet<bigint>>(new Set());
  /** Whether this browser holds the account's private key ("unknown" until looked up). */
  readonly keyState = new Store<"unknown" | "missing" | "ready">("unknown");

  private account: AccountKeys | null = null;
  private ownPublic: CryptoKey | null = null;
  /** Room keys per session, oldest first, and the same as WebCrypto keys. */
  private keys = new Map<bigint, Uint8Array[]>();
  private aesKeys = new Map<bigint, CryptoKey[]>();
  /** Keys received before the private key was here, opened once it is. */
  private unopened: WrappedKey[] = [];
  private publicKeys = new Map<bigint, Uint8Array>();
  private requests = new Map<bigint, KeyRequest>();
  /** Per session, the msg_id of the newest key I sent myself. */
  private ownKeyIds = new Map<bigint, bigint>();
  /** Encrypted messages per session: msg_id → markdown_text. */
  private sealed = new Map<bigint, Map<bigint, string>>();
  private turnedOff = new Set<bigint>();
  private seen = new Set<bigint>();
  private liveAfter: Micros | null = null;
  private replayOver = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private queue: Promise<void>;
  private started: (keys: AccountKeys | null) => void = () => {};

  constructor(private readonly deps: E2eeDeps) {
    this.texts = new Store(view(this.opened));
    this.queue = new Promise<AccountKeys | null>((resolve) => (this.started = resolve)).then(async (keys) => {
      try {
        this.liveAfter = await deps.serverTime();
      } catch {
        this.liveAfter = null; // unknown: everything counts as live, as after a replay
        this.replayOver = true;
      }
      await this.useKeys(keys);
    });
  }

  /** Begin with the keys this browser holds (null: none); events handed over before wait for it. */
  start(keys: AccountKeys | null): void {
    this.started(keys);
  }

  /**
   * Whether a private key is the account's: true when it opens a room key received so far, or
   * when none was received (nothing to tell by). Every receive_room_key is addressed to me.
   */
  opensMyKeys(privateKey: CryptoKey): Promise<boolean> {
    return this.enqueue(async () => {
      if (this.unopened.length === 0) return true;
      for (const w of this.unopened.slice(-5)) {
        if ((await unwrapRoomKey(w.wrappedKey, privateKey)) !== null) return true;
      }
      return false;
    });
  }

  /** The private key restored from a backup: the keys received so far are opened with it. */
  restore(keys: AccountKeys): Promise<void> {
    return this.enqueue(async () => {
      await this.useKeys(keys);
      if (this.replayOver) await this.answerOpenRequests();
    });
  }

  stop(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
  }

  /** Take events (in stream order; duplicates allowed). The returned promise settles once done. */
  handle(events: readonly ChatEvent[]): Promise<void> {
    return this.enqueue(async () => {
      for (const e of events) {
        if (this.seen.has(e.id)) continue;
        this.seen.add(e.id);
        const live = this.liveAfter === null || e.time > this.liveAfter;
        if (live && !this.replayOver) await this.endReplay();
        await this.take(e, live);
        if (!live) this.armIdleTimer();
      }
    });
  }

  /** Wait until everything handed over so far has been handled. */
  settled(): Promise<void> {
    return this.enqueue(async () => {});
  }

  // --- reading ------------------------------------------------------------------------------

  isEncrypted(sessionId: bigint): boolean {
    return this.encrypted.get().has(sessionId);
  }

  /** The newest room key held for a session. */
  roomKey(sessionId: bigint): Uint8Array | null {
    const list = this.keys.get(sessionId);
    return list === undefined || list.length === 0 ? null : list[list.length - 1];
  }

  /** Every room key held for a session, oldest first. */
  roomKeys(sessionId: bigint): readonly Uint8Array[] {
    return [...(this.keys.get(sessionId) ?? [])];
  }

  // --- writing ------------------------------------------------------------------------------

  /**
   * The `markdown_text` to send: encrypted with the session's newest key (made first if none)
   * when the session is encrypted, else null (send the text as it is).
   * Throws NoPrivateKeyError when the session is encrypted but this browser has no private key.
   */
  seal(sessionId: bigint, text: string): Promise<string | null> {
    return this.enqueue(async () => {
      if (!this.isEncrypted(sessionId)) return null;
      if (this.account === null) throw new NoPrivateKeyError();
      const roomKey = this.roomKey(sessionId) ?? (await this.rotate(sessionId));
      return encryptText(roomKey, text);
    });
  }

  /** Turn encryption on for a session (needs permission 14); the server then asks this account for a key. */
  async enable(sessionId: bigint): Promise<void> {
    await this.deps.e2eeize(sessionId);
    this.turnedOff.delete(sessionId);
    this.markEncrypted(sessionId);
  }

  /** The server says the session is no longer encrypted ("E2EE Not On"): send plain from now on. */
  disabled(sessionId: bigint): void {
    this.turnedOff.add(sessionId);
    const next = new Set(this.encrypted.get());
    next.delete(sessionId);
    this.encrypted.set(next);
  }

  /** A new key for everyone in the session whose public key is known (after approving a join). */
  newKey(sessionId: bigint): Promise<void> {
    return this.enqueue(async () => {
      if (this.account !== null) await this.rotate(sessionId);
    });
  }

  // --- internals ----------------------------------------------------------------------------

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private async useKeys(keys: AccountKeys | null): Promise<void> {
    this.account = keys;
    this.ownPublic = null;
    if (keys !== null) {
      try {
        this.ownPublic = await importPublicKey(keys.publicKeyDer);
      } catch {
        this.ownPublic = null;
      }
    }
    this.keyState.set(keys === null ? "missing" : "ready");
    if (keys === null) return;
    const waiting = this.unopened;
    this.unopened = [];
    for (const w of waiting) await this.open(w);
  }

  private armIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      void this.enqueue(() => this.endReplay());
    }, REPLAY_IDLE_MS);
  }

  private async endReplay(): Promise<void> {
    if (this.replayOver) return;
    this.replayOver = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    await this.answerOpenRequests();
  }

  /** Requests from the replay that no key of mine answered: answer them now. */
  private async answerOpenRequests(): Promise<void> {
    if (this.account === null) return;
    for (const [sessionId, request] of [...this.requests]) {
      if (request.roomKey !== null) continue;
      const answered = this.ownKeyIds.get(sessionId);
      if (answered !== undefined && answered > request.id) continue;
      await this.rotate(sessionId, request);
    }
  }

  private async take(e: ChatEvent, live: boolean): Promise<void> {
    switch (e.kind) {
      case "msg":
        if (e.encrypted) {
          const list = this.sealed.get(e.sessionId) ?? new Map<bigint, string>();
          list.set(e.id, e.text);
          this.sealed.set(e.sessionId, list);
          this.markEncrypted(e.sessionId);
          await this.openMessages(e.sessionId, [e.id]);
        }
        return;
      case "receiveRoomKey":
        if (e.senderId === this.deps.me) {
          const before = this.ownKeyIds.get(e.sessionId);
          if (before === undefined || e.id > before) this.ownKeyIds.set(e.sessionId, e.id);
        }
        this.markEncrypted(e.sessionId);
        await this.open({ sessionId: e.sessionId, wrappedKey: e.wrappedKey });
        return;
      case "updateRoomKey": {
        const request: KeyRequest = { id: e.id, members: new Map(), roomKey: null, sentTo: new Set() };
        this.requests.set(e.sessionId, request);
        this.markEncrypted(e.sessionId);
        if (live && this.account !== null) await this.rotate(e.sessionId, request);
        return;
      }
      case "sendRoomKey": {
        this.publicKeys.set(e.userId, e.publicKey);
        const request = this.requests.get(e.sessionId);
        if (request === undefined || request.id > e.id) return;
        request.members.set(e.userId, e.publicKey);
        if (live && request.roomKey !== null && !request.sentTo.has(e.userId)) {
          request.sentTo.add(e.userId);
          await this.handOver(e.sessionId, request.roomKey, e.userId, e.publicKey);
        }
        return;
      }
      case "joinRequest":
        if (e.publicKey !== null && e.publicKey.length > 0) this.publicKeys.set(e.userId, e.publicKey);
        return;
      case "inviteAnswer":
        if (e.accepted && e.publicKey !== null && e.publicKey.length > 0) {
          this.publicKeys.set(e.inviteeId, e.publicKey);
          this.markEncrypted(e.sessionId);
          if (live && this.account !== null) await this.rotate(e.sessionId);
        }
        return;
      case "joinResult":
        if (e.accepted && e.roomKey !== null && e.roomKey.length > 0) {
          await this.open({ sessionId: e.sessionId, wrappedKey: e.roomKey });
        }
        return;
      default:
        return;
    }
  }

  private markEncrypted(sessionId: bigint): void {
    if (this.turnedOff.has(sessionId) || this.encrypted.get().has(sessionId)) return;
    this.encrypted.set(new Set(this.encrypted.get()).add(sessionId));
  }

  /** Open a wrapped key (or keep it for a private key restored later). */
  private async open(w: WrappedKey): Promise<void> {
    if (this.account === null) {
      this.unopened.push(w);
      return;
    }
    const roomKey = await unwrapRoomKey(w.wrappedKey, this.account.privateKey);
    if (roomKey !== null) await this.hold(w.sessionId, roomKey);
  }

  private async hold(sessionId: bigint, roomKey: Uint8Array): Promise<void> {
    const list = this.keys.get(sessionId) ?? [];
    if (list.some((k) => sameBytes(k, roomKey))) return;
    list.push(roomKey);
    this.keys.set(sessionId, list);
    this.aesKeys.set(sessionId, [...(this.aesKeys.get(sessionId) ?? []), await aesKey(roomKey)]);
    // Messages nothing opened so far may be for this key.
    const waiting = [...(this.sealed.get(sessionId)?.keys() ?? [])].filter((id) => this.opened.get(id) == null);
    await this.openMessages(sessionId, waiting);
  }

  private async openMessages(sessionId: bigint, ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    const sealed = this.sealed.get(sessionId);
    const keys = [...(this.aesKeys.get(sessionId) ?? [])].reverse();
    for (const id of ids) {
      const text = sealed?.get(id);
      if (text === undefined) continue;
      let opened: string | null = null;
      for (const key of keys) {
        opened = await decryptText(key, text);
        if (opened !== null) break;
      }
      this.opened.set(id, opened);
    }
    this.texts.set(view(this.opened));
  }

  /** Make a new room key and hand it to the members whose public keys are known, and to me. */
  private async rotate(sessionId: bigint, request?: KeyRequest): Promise<Uint8Array> {
    const roomKey = newRoomKey();
    await this.hold(sessionId, roomKey);
    const targets = new Map(request?.members ?? []);
    try {
      for (const m of await this.deps.members(sessionId)) {
        const known = this.publicKeys.get(m);
        if (known !== undefined && !targets.has(m)) targets.set(m, known);
      }
    } catch {
      // not a member any more, or offline: the request's own list is what there is
    }
    targets.delete(this.deps.me);
    if (request !== undefined) {
      request.roomKey = roomKey;
      for (const m of targets.keys()) request.sentTo.add(m);
    }
    if (this.ownPublic !== null) await this.handOver(sessionId, roomKey, this.deps.me, this.ownPublic);
    for (const [member, publicKey] of targets) await this.handOver(sessionId, roomKey, member, publicKey);
    return roomKey;
  }

  private async handOver(
    sessionId: bigint,
    roomKey: Uint8Array,
    member: bigint,
    publicKey: Uint8Array | CryptoKey,
  ): Promise<void> {
    let key: CryptoKey;
    try {
      key = publicKey instanceof Uint8Array ? await importPublicKey(publicKey) : publicKey;
    } catch (err) {
      if (err instanceof KeyFormatError) return; // a key nobody can use: that member gets none
      throw err;
    }
    try {
      await this.deps.sendRoomKey(sessionId, member, await wrapRoomKey(roomKey, key));
    } catch {
      // the member left meanwhile, or the call failed: the next rotation reaches them
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
