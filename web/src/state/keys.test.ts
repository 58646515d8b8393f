import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { generateKeyPair, loadPrivateKey, loadPublicKey, pem, savePrivateKey, savePublicKey } from "./keys";

// RSA key generation takes seconds on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

describe("keys", () => {
  it("makes an RSA-2048 pair whose public key is SPKI DER and private key a PEM backup", async () => {
    const pair = await generateKeyPair();
    expect(pair.publicKeyDer[0]).toBe(0x30);
    expect(pair.publicKeyDer.length).toBeGreaterThan(290);
    expect(pair.privateKeyPem.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    expect(pair.privateKey.extractable).toBe(false);
  });

  it("keeps the private key per user in IndexedDB", async () => {
    const pair = await generateKeyPair();
    await savePrivateKey(7n, pair.privateKey);
    const loaded = await loadPrivateKey(7n);
    expect(loaded?.algorithm.name).toBe("RSA-OAEP");
    expect(await loadPrivateKey(8n)).toBeNull();
  });

  it("keeps the public key beside it", async () => {
    const pair = await generateKeyPair();
    await savePublicKey(7n, pair.publicKeyDer);
    expect(await loadPublicKey(7n)).toEqual(pair.publicKeyDer);
    expect(await loadPublicKey(8n)).toBeNull();
    expect((await loadPrivateKey(7n))?.type).toBe("private");
  });

  it("wraps PEM bodies at 64 columns", () => {
    const text = pem("X", new Uint8Array(100));
    expect(text.split("\n")[1].length).toBe(64);
  });
});
