/** End-to-end encryption in the UI: the lock icon, turning it on, message texts, the key backup import. */
import { useState } from "preact/hooks";
import { callError } from "../../api/errors";
import { errorText } from "../../i18n/strings";
import type { MessageEvent } from "../../state/events";
import { shownText, type ShownText } from "../../state/e2eeSession";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { restoreBackup, WrongBackupError } from "./account";

/** A padlock; `label` makes it an image with that name (else it is decoration). */
export function LockIcon({ label }: { label?: string }) {
  return (
    <svg
      class="lock"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      role={label === undefined ? undefined : "img"}
      aria-label={label}
      aria-hidden={label === undefined ? "true" : undefined}
      data-testid="lock"
    >
      {label !== undefined && <title>{label}</title>}
      <rect x="5" y="10.5" width="14" height="10" rx="2" fill="currentColor" />
      <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" stroke-width="2.2" />
    </svg>
  );
}

/** Whether a session is end-to-end encrypted (re-renders when that changes). */
export function useEncrypted(client: ChatClient, sessionId: bigint): boolean {
  return useStore(client.e2ee.encrypted).has(sessionId);
}

/** The lock in a conversation's header, or the button that turns encryption on. */
export function EncryptionControl({ client, sessionId }: { client: ChatClient; sessionId: bigint }) {
  const t = useStrings();
  const encrypted = useEncrypted(client, sessionId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [turnedOn, setTurnedOn] = useState(false);
  if (encrypted) {
    return (
      <span class="encrypted-mark" title={turnedOn ? t.encryptTurnedOn : t.encrypted}>
        <LockIcon label={t.encrypted} />
        <span class="encrypted-text">{t.encrypted}</span>
      </span>
    );
  }
  return (
    <span class="encrypt-control">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await client.e2ee.enable(sessionId);
            setTurnedOn(true);
          } catch (err) {
            const detail = callError(err).detail;
            setError(detail === "Permission Denied" ? t.encryptNotAllowed : errorText(t, detail));
          } finally {
            setBusy(false);
          }
        }}
      >
        <LockIcon /> {t.encryptOn}
      </button>
      {error !== null && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </span>
  );
}

export { shownText };

export function useShownText(client: ChatClient, m: MessageEvent): ShownText {
  const t = useStrings();
  return shownText(useStore(client.e2ee.texts), m, t);
}

/** Shown while this browser has no private key: import the backup file made at registration. */
export function KeyRestoreBanner({ client }: { client: ChatClient }) {
  const t = useStrings();
  const state = useStore(client.e2ee.keyState);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  if (done && state === "ready") {
    return (
      <div role="status" class="banner">
        {t.keyImported}{" "}
        <button type="button" class="link" onClick={() => setDone(false)}>
          {t.dismiss}
        </button>
      </div>
    );
  }
  if (state !== "missing") return null;
  return (
    <div role="region" aria-label={t.keyImport} class="banner key-restore">
      <LockIcon />
      <span>{t.keyMissing}</span>
      <label class="key-import">
        <span>{t.keyImport}</span>
        <input
          type="file"
          accept=".pem,application/x-pem-file,text/plain"
          aria-label={t.keyImport}
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file === undefined) return;
            setError(null);
            try {
              await restoreBackup(client.e2ee, client.login.userId, await file.text());
              setDone(true);
            } catch (err) {
              setError(err instanceof WrongBackupError ? t.keyWrongAccount : t.keyInvalid);
            }
          }}
        />
      </label>
      {error !== null && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </div>
  );
}
