/**
 * The logged-in account's end-to-end encryption: its E2eeSession wired to the server, the key pair
 * this browser keeps in IndexedDB, and the restore from the backup file made at registration.
 */
import { micros } from "../../api/events";
import { QueryValues as SessionQuery } from "../../api/gen/service/ourchat/session/get_session_info/v1/get_session_info_pb";
import { importPrivateKeyPem } from "../../state/e2ee";
import { E2eeSession, type AccountKeys } from "../../state/e2eeSession";
import { loadPrivateKey, loadPublicKey, savePrivateKey, savePublicKey } from "../../state/keys";
import { api } from "../api";

export function createE2ee(me: bigint): E2eeSession {
  return new E2eeSession({
    me,
    serverTime: async () => micros((await api.basic.timestamp({})).timestamp),
    members: async (sessionId) =>
      (await api.chat.getSessionInfo({ sessionId, queryValues: [SessionQuery.MEMBERS] })).members,
    sendRoomKey: async (sessionId, userId, roomKey) => {
      await api.chat.sendRoomKey({ sessionId, userId, roomKey });
    },
    e2eeize: async (sessionId) => {
      await api.chat.e2eeizeSession({ sessionId });
    },
  });
}

/** The key pair this browser holds for the account, or null (never stored, or IndexedDB unavailable). */
export async function loadAccountKeys(userId: bigint): Promise<AccountKeys | null> {
  try {
    const [privateKey, publicKeyDer] = await Promise.all([loadPrivateKey(userId), loadPublicKey(userId)]);
    return privateKey !== null && publicKeyDer !== null ? { privateKey, publicKeyDer } : null;
  } catch {
    return null;
  }
}

/** Start the account's encryption with the keys in this browser. */
export async function startE2ee(e2ee: E2eeSession, userId: bigint): Promise<void> {
  e2ee.start(await loadAccountKeys(userId));
}

/** A private key backup that opens none of the room keys the account received: another account's. */
export class WrongBackupError extends Error {}

/**
 * Import a backup file's private key (throws KeyFormatError for another file, WrongBackupError for
 * another account's key), keep it in this browser, and open the keys received so far.
 */
export async function restoreBackup(e2ee: E2eeSession, userId: bigint, text: string): Promise<void> {
  const restored = await importPrivateKeyPem(text);
  if (!(await e2ee.opensMyKeys(restored.privateKey))) throw new WrongBackupError("not this account's key");
  await savePrivateKey(userId, restored.privateKey);
  await savePublicKey(userId, restored.publicKeyDer);
  await e2ee.restore(restored);
}
