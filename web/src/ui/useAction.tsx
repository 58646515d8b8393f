/** Run a server call from a button: busy state and a readable error or success note. */
import { useState } from "preact/hooks";
import { callError } from "../api/errors";
import { errorText } from "../i18n/strings";
import { useStrings } from "./hooks";

export function useAction(): {
  busy: boolean;
  error: string | null;
  note: string | null;
  run: (fn: () => Promise<unknown>, success?: string) => Promise<boolean>;
} {
  const t = useStrings();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  async function run(fn: () => Promise<unknown>, success?: string): Promise<boolean> {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      await fn();
      if (success !== undefined) setNote(success);
      return true;
    } catch (err) {
      setError(errorText(t, callError(err).detail));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, note, run };
}

export function Feedback({ error, note }: { error: string | null; note: string | null }) {
  return (
    <>
      {error !== null && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {note !== null && <p role="status">{note}</p>}
    </>
  );
}
