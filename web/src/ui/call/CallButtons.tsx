/** The buttons that start an audio or a video call from a chat. */
import { errorText } from "../../i18n/strings";
import { callError } from "../../api/errors";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { useCallStrings } from "./hooks";
import { useState } from "preact/hooks";
import type { CallMedia } from "../../state/call";

export function CallButtons({ client, sessionId }: { client: ChatClient; sessionId: bigint }) {
  const t = useStrings();
  const c = useCallStrings();
  const state = useStore(client.calls.state);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inCall = state.call !== null;

  async function start(media: CallMedia) {
    setBusy(true);
    setError(null);
    try {
      await client.calls.startCall(sessionId, media);
    } catch (err) {
      setError(errorText(t, callError(err).detail));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span class="call-buttons">
      <button type="button" disabled={busy || inCall} onClick={() => void start("audio")}>
        {c.audioCall}
      </button>
      <button type="button" disabled={busy || inCall} onClick={() => void start("video")}>
        {c.videoCall}
      </button>
      {error !== null && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </span>
  );
}
