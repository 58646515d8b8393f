import { describe, expect, it, vi } from "vitest";
import {
  decryptText,
  encryptText,
  fromBase64,
  importPrivateKeyPem,
  importPublicKey,
  KeyFormatError,
  newRoomKey,
  toBase64,
  unwrapRoomKey,
  wrapRoomKey,
} from "./e2ee";
import { generateKeyPair } from "./keys";
import vectors from "./testdata/e2ee-vectors.json";

// RSA key generation takes seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

/** Made by the Python SDK (scripts/e2ee-vectors): what the web client must read as the SDK does. */
const v = vectors;
const bytes = (b64: string): Uint8Array<ArrayBuffer> => fromBase64(b64)!;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("the SDK's vectors", () => {
  it("open a room key the SDK wrapped, and every message it encrypted", async () => {
    const { privateKey } = await importPrivateKeyPem(v.private_pkcs8_pem);
    const roomKey = await unwrapRoomKey(bytes(v.wrapped_room_key), privateKey);
    expect(roomKey).toEqual(bytes(v.room_key));
    for (const m of v.messages) expect(await decryptText(roomKey!, m.markdown_text)).toBe(m.text);
  });

  it("read the backup in PKCS#8 and PKCS#1 and derive the registered public key", async () => {
    for (const pem of [v.private_pkcs8_pem, v.private_pkcs1_pem]) {
      const restored = await importPrivateKeyPem(pem);
      expect(restored.privateKey.extractable).toBe(false);
      expect(toBase64(restored.publicKeyDer)).toBe(v.public_spki_der);
      expect(await unwrapRoomKey(bytes(v.wrapped_room_key), restored.privateKey)).toEqual(bytes(v.room_key));
    }
  });

  it("read every encoding of a registered public key", async () => {
    const { privateKey } = await importPrivateKeyPem(v.private_pkcs8_pem);
    const encodings = [
      bytes(v.public_spki_der),
      bytes(v.public_pkcs1_der),
      text(v.public_spki_pem),
      text(v.public_pkcs1_pem),
    ];
    for (const encoding of encodings) {
      const publicKey = await importPublicKey(encoding);
      const spki = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
      expect(toBase64(spki)).toBe(v.public_spki_der);
      const roomKey = newRoomKey();
      expect(await unwrapRoomKey(await wrapRoomKey(roomKey, publicKey), privateKey)).toEqual(roomKey);
    }
  });

  it("tell the right key by the GCM tag: an older key opens only its own message", async () => {
    const older = bytes(v.older_room_key);
    const newer = bytes(v.room_key);
    expect(await decryptText(newer, v.older_message.markdown_text)).toBeNull();
    expect(await decryptText(older, v.older_message.markdown_text)).toBe(v.older_message.text);
    expect(await decryptText(older, v.messages[0].markdown_text)).toBeNull();
  });
});

describe("the scheme", () => {
  it("writes a message as base64 of a fresh nonce, the ciphertext and the tag", async () => {
    const roomKey = newRoomKey();
    expect(roomKey.length).toBe(32);
    const sealed = await encryptText(roomKey, "héllo");
    const raw = fromBase64(sealed)!;
    expect(raw.length).toBe(12 + text("héllo").length + 16);
    // Any AES-256-GCM implementation opens it: nonce first, no associated data.
    const aes = await crypto.subtle.importKey("raw", roomKey as BufferSource, "AES-GCM", false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: raw.subarray(0, 12) }, aes, raw.subarray(12));
    expect(new TextDecoder().decode(plain)).toBe("héllo");
    expect(await encryptText(roomKey, "héllo")).not.toBe(sealed);
  });

  it("opens nothing with the wrong key or a damaged, short or plain text", async () => {
    const roomKey = newRoomKey();
    const sealed = await encryptText(roomKey, "secret");
    const damaged = fromBase64(sealed)!;
    damaged[damaged.length - 1] ^= 1;
    for (const attempt of [
      await decryptText(newRoomKey(), sealed),
      await decryptText(roomKey, toBase64(damaged)),
      await decryptText(roomKey, "not base64 at all!"),
      await decryptText(roomKey, toBase64(text("short"))),
      await decryptText(roomKey, "plain words"),
      await decryptText(roomKey, sealed.slice(0, -1)),
    ])
      expect(attempt).toBeNull();
  });

  it("wraps room keys for a browser-made key pair: RSA-OAEP, 256 bytes, only its holder opens them", async () => {
    const mine = await generateKeyPair();
    const stranger = await generateKeyPair();
    const roomKey = newRoomKey();
    const wrapped = await wrapRoomKey(roomKey, await importPublicKey(mine.publicKeyDer));
    expect(wrapped.length).toBe(256);
    expect(await unwrapRoomKey(wrapped, mine.privateKey)).toEqual(roomKey);
    expect(await unwrapRoomKey(wrapped, stranger.privateKey)).toBeNull();
    expect(await unwrapRoomKey(new Uint8Array(256), mine.privateKey)).toBeNull();
  });

  it("restores the backup that registration offers", async () => {
    const pair = await generateKeyPair();
    const restored = await importPrivateKeyPem(pair.privateKeyPem);
    expect(restored.publicKeyDer).toEqual(pair.publicKeyDer);
  });

  it("refuses what is not a key", async () => {
    for (const bad of [new Uint8Array(), text("junk"), text(v.private_pkcs8_pem), new Uint8Array(300)])
      await expect(importPublicKey(bad)).rejects.toBeInstanceOf(KeyFormatError);
    for (const bad of ["", "junk", v.public_spki_pem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"])
      await expect(importPrivateKeyPem(bad)).rejects.toBeInstanceOf(KeyFormatError);
  });
});
