import { describe, expect, it, vi } from "vitest";
import { decryptText, encryptText, fromBase64, importPrivateKeyPem, importPublicKey, newRoomKey, unwrapRoomKey, wrapRoomKey } from "./e2ee";
import { E2eeSession, NoPrivateKeyError, REPLAY_IDLE_MS, shownText, type AccountKeys } from "./e2eeSession";
import type { ChatEvent, MessageEvent } from "./events";
import { generateKeyPair } from "./keys";
import vectors from "./testdata/e2ee-vectors.json";

// RSA key generation takes seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const ME = 1n;
const BOB = 2n;
const CAROL = 3n;
const S = 10n;
/** The server clock when the replay began: events up to it are replayed, later ones live. */
const NOW = 1_000n;

interface Sent {
  sessionId: bigint;
  userId: bigint;
  wrappedKey: Uint8Array;
}

async function account(): Promise<AccountKeys> {
  const pair = await generateKeyPair();
  return { privateKey: pair.privateKey, publicKeyDer: pair.publicKeyDer };
}

function harness(members: bigint[] = [ME, BOB]) {
  const sent: Sent[] = [];
  const e2eeized: bigint[] = [];
  const session = new E2eeSession({
    me: ME,
    serverTime: async () => NOW,
    members: async () => members,
    sendRoomKey: async (sessionId, userId, wrappedKey) => {
      sent.push({ sessionId, userId, wrappedKey });
    },
    e2eeize: async (sessionId) => {
      e2eeized.push(sessionId);
    },
  });
  return { session, sent, e2eeized };
}

let nextId = 100n;
const base = (time: bigint) => ({ id: nextId++, time });
const msg = (time: bigint, text: string, encrypted = true, senderId = BOB): MessageEvent => ({
  ...base(time),
  kind: "msg",
  sessionId: S,
  senderId,
  text,
  files: [],
  encrypted,
});
const roomKeyFor = (time: bigint, wrappedKey: Uint8Array, senderId = BOB): ChatEvent => ({
  ...base(time),
  kind: "receiveRoomKey",
  sessionId: S,
  senderId,
  wrappedKey,
});
const request = (time: bigint): ChatEvent => ({ ...base(time), kind: "updateRoomKey", sessionId: S });
const member = (time: bigint, userId: bigint, publicKey: Uint8Array): ChatEvent => ({
  ...base(time),
  kind: "sendRoomKey",
  sessionId: S,
  userId,
  publicKey,
});

async function wrapFor(roomKey: Uint8Array, keys: AccountKeys): Promise<Uint8Array> {
  return wrapRoomKey(roomKey, await importPublicKey(keys.publicKeyDer));
}

describe("E2eeSession", () => {
  it("opens what the SDK sent: its wrapped room key and its messages", async () => {
    const { privateKey, publicKeyDer } = await importPrivateKeyPem(vectors.private_pkcs8_pem);
    const { session } = harness();
    session.start({ privateKey, publicKeyDer });
    const events = vectors.messages.map((m) => msg(5n, m.markdown_text));
    await session.handle([roomKeyFor(2n, fromBase64(vectors.wrapped_room_key)!), ...events]);
    expect(events.map((e) => session.texts.get().get(e.id))).toEqual(vectors.messages.map((m) => m.text));
    expect(session.isEncrypted(S)).toBe(true);
  });

  it("says plainly when no key opens a message, and opens it once the key arrives", async () => {
    const me = await account();
    const { session } = harness();
    session.start(me);
    const roomKey = newRoomKey();
    const early = msg(3n, await encryptText(roomKey, "before the key"));
    await session.handle([early]);
    expect(session.texts.get().get(early.id)).toBeNull();
    await session.handle([roomKeyFor(4n, await wrapFor(roomKey, me))]);
    expect(session.texts.get().get(early.id)).toBe("before the key");
  });

  it("keeps every key: older messages open with older keys, newest first for new ones", async () => {
    const me = await account();
    const { session } = harness();
    session.start(me);
    const [k1, k2] = [newRoomKey(), newRoomKey()];
    const m1 = msg(3n, await encryptText(k1, "one"));
    const m2 = msg(5n, await encryptText(k2, "two"));
    await session.handle([roomKeyFor(2n, await wrapFor(k1, me)), m1, roomKeyFor(4n, await wrapFor(k2, me)), m2]);
    expect([session.texts.get().get(m1.id), session.texts.get().get(m2.id)]).toEqual(["one", "two"]);
    expect(session.roomKey(S)).toEqual(k2);
    expect(session.roomKeys(S)).toEqual([k1, k2]);
  });

  it("answers a live request: a new key for every listed member and for me, used for sending", async () => {
    const me = await account();
    const bob = await account();
    const { session, sent } = harness();
    session.start(me);
    await session.handle([request(NOW + 1n), member(NOW + 2n, BOB, bob.publicKeyDer)]);
    expect(sent.map((x) => x.userId).sort()).toEqual([ME, BOB]);
    const forBob = await unwrapRoomKey(sent.find((x) => x.userId === BOB)!.wrappedKey, bob.privateKey);
    const forMe = await unwrapRoomKey(sent.find((x) => x.userId === ME)!.wrappedKey, me.privateKey);
    expect(forBob).toEqual(forMe);
    expect(forBob).toEqual(session.roomKey(S));
    const sealed = await session.seal(S, "hi bob");
    expect(await decryptText(forBob!, sealed!)).toBe("hi bob");
  });

  it("skips a replayed request it answered already and answers an open one after the replay", async () => {
    const me = await account();
    const bob = await account();
    const { session, sent } = harness();
    session.start(me);
    const mine = await wrapFor(newRoomKey(), me);
    // Answered on an earlier visit: my own key comes after the request.
    await session.handle([request(2n), member(3n, BOB, bob.publicKeyDer), roomKeyFor(4n, mine, ME)]);
    await session.handle([msg(NOW + 1n, "plain", false)]); // live traffic: the replay is over
    expect(sent).toEqual([]);

    const other = harness();
    other.session.start(me);
    await other.session.handle([request(2n), member(3n, BOB, bob.publicKeyDer)]);
    expect(other.sent).toEqual([]); // still replaying: not yet
    await other.session.handle([msg(NOW + 1n, "plain", false)]);
    expect(other.sent.map((x) => x.userId).sort()).toEqual([ME, BOB]);
  });

  it("counts the replay as over after a quiet second without live traffic", async () => {
    const me = await account();
    const { session, sent } = harness();
    vi.useFakeTimers();
    try {
      session.start(me);
      await session.handle([request(2n)]);
      vi.advanceTimersByTime(REPLAY_IDLE_MS - 10);
      await session.settled();
      expect(sent).toEqual([]);
      vi.advanceTimersByTime(20);
      await session.settled();
      expect(sent.map((x) => x.userId)).toEqual([ME]);
    } finally {
      vi.useRealTimers();
      session.stop();
    }
  });

  it("hands a new key to an invitee who accepted, and after approving a join, to the applicant", async () => {
    const me = await account();
    const bob = await account();
    const carol = await account();
    const { session, sent } = harness([ME, BOB, CAROL]);
    session.start(me);
    await session.handle([member(2n, BOB, bob.publicKeyDer), msg(NOW + 1n, "plain", false)]);
    await session.handle([
      {
        ...base(NOW + 2n),
        kind: "inviteAnswer",
        sessionId: S,
        inviteeId: CAROL,
        accepted: true,
        publicKey: carol.publicKeyDer,
      },
    ]);
    expect(sent.map((x) => x.userId).sort()).toEqual([ME, BOB, CAROL]);
    const forCarol = await unwrapRoomKey(sent.find((x) => x.userId === CAROL)!.wrappedKey, carol.privateKey);
    expect(forCarol).toEqual(session.roomKey(S));

    sent.length = 0;
    await session.newKey(S);
    expect(sent.map((x) => x.userId).sort()).toEqual([ME, BOB, CAROL]);
  });

  it("without a private key keeps what arrives and opens it once the backup is restored", async () => {
    const me = await account();
    const { session, sent } = harness();
    session.start(null);
    const roomKey = newRoomKey();
    const m = msg(3n, await encryptText(roomKey, "for the new browser"));
    await session.handle([roomKeyFor(2n, await wrapFor(roomKey, me)), m, request(NOW + 1n)]);
    expect(session.keyState.get()).toBe("missing");
    expect(session.texts.get().get(m.id)).toBeNull();
    expect(sent).toEqual([]); // no key here to answer with
    await expect(session.seal(S, "x")).rejects.toBeInstanceOf(NoPrivateKeyError);

    expect(await session.opensMyKeys((await account()).privateKey)).toBe(false);
    expect(await session.opensMyKeys(me.privateKey)).toBe(true);
    await session.restore(me);
    expect(session.keyState.get()).toBe("ready");
    expect(session.texts.get().get(m.id)).toBe("for the new browser");
    expect(sent.map((x) => x.userId)).toEqual([ME]); // the open request answered now
  });

  it("turns encryption on, and sends plain again once the server says it is off", async () => {
    const me = await account();
    const { session, e2eeized } = harness();
    session.start(me);
    expect(await session.seal(S, "plain")).toBeNull();
    await session.enable(S);
    expect(e2eeized).toEqual([S]);
    expect(session.isEncrypted(S)).toBe(true);
    const sealed = await session.seal(S, "secret"); // no key yet: one is made first
    expect(await decryptText(session.roomKey(S)!, sealed!)).toBe("secret");
    session.disabled(S);
    expect(session.isEncrypted(S)).toBe(false);
    expect(await session.seal(S, "plain again")).toBeNull();
  });

  it("shows plaintext messages of an encrypted session as they are and handles an event once", async () => {
    const me = await account();
    const { session, sent } = harness();
    session.start(me);
    const plain = msg(2n, "from the official client", false);
    const ask = request(NOW + 1n);
    await session.handle([plain, ask, ask]);
    expect(session.texts.get().get(plain.id)).toBeUndefined();
    expect(sent.filter((x) => x.userId === ME)).toHaveLength(1);
  });

  it("tells the UI what a message shows: plaintext, opened text, or a plain notice", async () => {
    const me = await account();
    const { session } = harness();
    const notices = { decrypting: "…", undecryptable: "cannot be opened" };
    const roomKey = newRoomKey();
    const opened = msg(3n, await encryptText(roomKey, "**hi**"));
    const closed = msg(4n, await encryptText(newRoomKey(), "other"));
    const plain = msg(5n, "as is", false);
    expect(shownText(session.texts.get(), opened, notices)).toEqual({ text: "…", sealed: true });
    session.start(me);
    await session.handle([roomKeyFor(2n, await wrapFor(roomKey, me)), opened, closed, plain]);
    const texts = session.texts.get();
    expect(shownText(texts, opened, notices)).toEqual({ text: "**hi**", sealed: false });
    expect(shownText(texts, closed, notices)).toEqual({ text: "cannot be opened", sealed: true });
    expect(shownText(texts, plain, notices)).toEqual({ text: "as is", sealed: false });
  });
});
