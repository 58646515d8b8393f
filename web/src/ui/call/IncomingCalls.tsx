/** The incoming-call banners: who calls, what kind of call, accept or decline. */
import { useState } from "preact/hooks";
import { callError } from "../../api/errors";
import { errorText } from "../../i18n/strings";
import type { Ring } from "../../state/call";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { useCallStrings } from "./hooks";
import "./call.css";

export function IncomingCalls({ client }: { client: ChatClient }) {
  const state = useStore(client.calls.state);
  useStore(client.users);
  return (
    <>
      {state.rings.map((ring) => (
        <IncomingCall key={ring.roomId.toString()} client={client} ring={ring} />
      ))}
    </>
  );
}

function IncomingCall({ client, ring }: { client: ChatClient; ring: Ring }) {
  const t = useStrings();
  const c = useCallStrings();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const who = client.userName(ring.inviterId);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(t, callError(err).detail));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div role="alertdialog" aria-label={c.incoming(who)} class="banner incoming-call" data-testid="incoming-call">
      <span class="ring-dot" aria-hidden="true" />
      <strong>{c.incoming(who)}</strong> <span class="muted">{ring.title}</span>
      <span class="spacer" />
      <button type="button" class="primary" disabled={busy} onClick={() => void run(() => client.calls.accept(ring))}>
        {c.accept}
      </button>
      <button type="button" disabled={busy} onClick={() => void run(() => client.calls.decline(ring))}>
        {c.decline}
      </button>
      {error !== null && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </div>
  );
}
