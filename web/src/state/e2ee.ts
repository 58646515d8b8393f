/**
 * The end-to-end encryption scheme of docs/e2ee.md, with WebCrypto: room keys of 32 random bytes,
 * wrapped for each member with RSA-OAEP (SHA-256) under the member's registered public key, and
 * messages as base64(12-byte nonce ‖ AES-256-GCM ciphertext ‖ tag). The same scheme as the
 * Python SDK's `E2EESession`, so either side reads the other's messages and keys.
 */
export const ROOM_KEY_BYTES = 32;
export const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const OAEP = { name: "RSA-OAEP", hash: "SHA-256" } as const;

/** A public or private key that is not an RSA key in a supported encoding. */
export class KeyFormatError extends Error {}

export function newRoomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(ROOM_KEY_BYTES));
}

// --- encodings ------------------------------------------------------------------------------

export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Standard base64 (padding required) to bytes; null for anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

interface PemBlock {
  label: string;
  der: Uint8Array;
}

/** The first PEM block of a text, or null when the text holds none. */
export function parsePem(text: string): PemBlock | null {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) return null;
  const der = fromBase64(m[2].replace(/\s+/g, ""));
  return der === null ? null : { label: m[1], der };
}

function derLength(n: number): Uint8Array {
  if (n < 0x80) return new Uint8Array([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return new Uint8Array([0x80 | bytes.length, ...bytes]);
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function tlv(tag: number, body: Uint8Array): Uint8Array {
  return concat(new Uint8Array([tag]), derLength(body.length), body);
}

/** AlgorithmIdentifier rsaEncryption with NULL parameters. */
const RSA_ALGORITHM = new Uint8Array([
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
]);

/** A PKCS#1 RSAPublicKey wrapped in a SubjectPublicKeyInfo. */
export function pkcs1PublicToSpki(der: Uint8Array): Uint8Array {
  return tlv(0x30, concat(RSA_ALGORITHM, tlv(0x03, concat(new Uint8Array([0]), der))));
}

/** A PKCS#1 RSAPrivateKey wrapped in a PKCS#8 PrivateKeyInfo. */
export function pkcs1PrivateToPkcs8(der: Uint8Array): Uint8Array {
  const version = new Uint8Array([0x02, 0x01, 0x00]);
  return tlv(0x30, concat(version, RSA_ALGORITHM, tlv(0x04, der)));
}

// --- keys -----------------------------------------------------------------------------------

async function importSpki(spki: Uint8Array): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.importKey("spki", spki as BufferSource, OAEP, true, ["encrypt"]);
  } catch {
    return null;
  }
}

/**
 * A registered public key as a WebCrypto key: SubjectPublicKeyInfo DER, PKCS#1 DER, or either as
 * PEM text. Throws KeyFormatError for anything else.
 */
export async function importPublicKey(data: Uint8Array): Promise<CryptoKey> {
  const text = new TextDecoder().decode(data);
  const block = text.includes("-----BEGIN") ? parsePem(text) : null;
  let key: CryptoKey | null = null;
  if (block === null) {
    key = (await importSpki(data)) ?? (await importSpki(pkcs1PublicToSpki(data)));
  } else if (block.label === "PUBLIC KEY") {
    key = await importSpki(block.der);
  } else if (block.label === "RSA PUBLIC KEY") {
    key = await importSpki(pkcs1PublicToSpki(block.der));
  }
  if (key === null) throw new KeyFormatError("not an RSA public key");
  return key;
}

export interface RestoredKey {
  /** The private key, not extractable again. */
  privateKey: CryptoKey;
  /** Its public key as SubjectPublicKeyInfo DER (what the account registered). */
  publicKeyDer: Uint8Array;
}

/**
 * A private key backup (PKCS#8 "PRIVATE KEY" PEM, as registration offers it, or PKCS#1 "RSA
 * PRIVATE KEY" PEM) as a WebCrypto key, with the public key derived from it. Throws
 * KeyFormatError for any other text.
 */
export async function importPrivateKeyPem(text: string): Promise<RestoredKey> {
  const block = parsePem(text);
  let pkcs8: Uint8Array;
  if (block?.label === "PRIVATE KEY") pkcs8 = block.der;
  else if (block?.label === "RSA PRIVATE KEY") pkcs8 = pkcs1PrivateToPkcs8(block.der);
  else throw new KeyFormatError("not a private key backup");
  try {
    const open = await crypto.subtle.importKey("pkcs8", pkcs8 as BufferSource, OAEP, true, ["decrypt"]);
    const jwk = await crypto.subtle.exportKey("jwk", open);
    const publicKey = await crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RSA-OAEP-256", ext: true },
      OAEP,
      true,
      ["encrypt"],
    );
    const publicKeyDer = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
    const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8 as BufferSource, OAEP, false, ["decrypt"]);
    return { privateKey, publicKeyDer };
  } catch {
    throw new KeyFormatError("not an RSA private key");
  }
}

/** `roomKey` encrypted with RSA-OAEP (SHA-256) for the holder of `publicKey`. */
export async function wrapRoomKey(roomKey: Uint8Array, publicKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.encrypt(OAEP, publicKey, roomKey as BufferSource));
}

/** The room key inside `wrapped`, or null when it was not wrapped for this private key. */
export async function unwrapRoomKey(wrapped: Uint8Array, privateKey: CryptoKey): Promise<Uint8Array | null> {
  try {
    const key = new Uint8Array(await crypto.subtle.decrypt(OAEP, privateKey, wrapped as BufferSource));
    return key.length === ROOM_KEY_BYTES ? key : null;
  } catch {
    return null;
  }
}

// --- messages -------------------------------------------------------------------------------

/** A room key as a WebCrypto AES-GCM key (import once, use for many messages). */
export function aesKey(roomKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", roomKey as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** The `markdown_text` of an encrypted message: base64(nonce ‖ ciphertext ‖ tag). */
export async function encryptText(roomKey: Uint8Array, text: string): Promise<string> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce },
    await aesKey(roomKey),
    new TextEncoder().encode(text),
  );
  return toBase64(concat(nonce, new Uint8Array(sealed)));
}

/** The text of an encrypted message, or null when `roomKey` (raw, or from aesKey) does not open it. */
export async function decryptText(roomKey: Uint8Array | CryptoKey, markdownText: string): Promise<string | null> {
  const raw = fromBase64(markdownText);
  if (raw === null || raw.length < NONCE_BYTES + TAG_BYTES) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: raw.subarray(0, NONCE_BYTES) },
      roomKey instanceof Uint8Array ? await aesKey(roomKey) : roomKey,
      raw.subarray(NONCE_BYTES),
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    return null;
  }
}
