/**
 * The user's RSA key pair: made by WebCrypto at registration, the private key kept (not
 * extractable again) in IndexedDB under the user id with its public key beside it, its PKCS#8 PEM
 * offered once as a backup.
 */
const DB_NAME = "ourchat";
const STORE = "keys";

export interface NewKeyPair {
  /** SubjectPublicKeyInfo DER: what Register sends. */
  publicKeyDer: Uint8Array;
  /** The private key as PKCS#8 PEM, for the backup download. */
  privateKeyPem: string;
  privateKey: CryptoKey;
}

export async function generateKeyPair(): Promise<NewKeyPair> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSA-OAEP",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["encrypt", "decrypt"],
  );
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    pkcs8,
    { name: "RSA-OAEP", hash: "SHA-256" },
    false,
    ["decrypt"],
  );
  return { publicKeyDer: spki, privateKeyPem: pem("PRIVATE KEY", pkcs8), privateKey };
}

export function pem(label: string, der: Uint8Array): string {
  let bin = "";
  for (const b of der) bin += String.fromCharCode(b);
  const body = btoa(bin).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function savePrivateKey(userId: bigint, key: CryptoKey): Promise<void> {
  await withStore("readwrite", (s) => s.put(key, userId.toString()));
}

export async function loadPrivateKey(userId: bigint): Promise<CryptoKey | null> {
  const key = await withStore<unknown>("readonly", (s) => s.get(userId.toString()));
  return key instanceof CryptoKey ? key : null;
}

/** The user's own public key (SPKI DER), kept beside the private key: room keys are wrapped for it. */
export async function savePublicKey(userId: bigint, der: Uint8Array): Promise<void> {
  await withStore("readwrite", (s) => s.put(der, `${userId}.public`));
}

export async function loadPublicKey(userId: bigint): Promise<Uint8Array | null> {
  const der = await withStore<unknown>("readonly", (s) => s.get(`${userId}.public`));
  return der instanceof Uint8Array ? der : null;
}
