/** The call in progress: a tile per person with their video and connection, and the controls. */
import { useState } from "preact/hooks";
import { callError } from "../../api/errors";
import { errorText } from "../../i18n/strings";
import { isAdmin, visibleMembers, type MemberStatus } from "../../state/call";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import type { PeerView } from "./engine";
import { useCallStrings } from "./hooks";
import { MediaView } from "./MediaView";
import "./call.css";

export function CallScreen({ client }: { client: ChatClient }) {
  const t = useStrings();
  const c = useCallStrings();
  const calls = client.calls;
  const state = useStore(calls.state);
  const peers = useStore(calls.peers);
  const local = useStore(calls.local);
  const servers = useStore(calls.servers);
  const engineError = useStore(calls.error);
  useStore(client.users);
  const [error, setError] = useState<string | null>(null);
  const call = state.call;
  if (call === null) return null;

  async function run(fn: () => Promise<void> | void) {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(t, callError(err).detail));
    }
  }

  const admin = isAdmin(state);
  return (
    <section class="call" aria-label={c.callScreen} data-testid="call-screen">
      <header class="call-head">
        <h2>{call.title}</h2>
        <span class="spacer" />
        {call.ended === null ? (
          <div class="call-controls">
            <button type="button" aria-pressed={call.muted} onClick={() => calls.setMuted(!call.muted)}>
              {call.muted ? c.unmute : c.mute}
            </button>
            <button type="button" aria-pressed={call.camera} onClick={() => void run(() => calls.setCamera(!call.camera))}>
              {call.camera ? c.cameraOff : c.cameraOn}
            </button>
            <button type="button" class="danger" onClick={() => void run(() => calls.leave())}>
              {c.leave}
            </button>
          </div>
        ) : (
          <button type="button" onClick={() => void run(() => calls.leave())}>
            {c.close}
          </button>
        )}
      </header>
      {call.ended === "kicked" && (
        <p role="alert" class="error">
          {c.kickedOut}
        </p>
      )}
      {(error ?? engineError) !== null && (
        <p role="alert" class="error">
          {error ?? engineError}
        </p>
      )}
      <ul class="call-tiles">
        <li class="call-tile mine" data-testid="call-me">
          <MediaView stream={local} mine label={c.you} name={client.userName(client.login.userId)} />
          <span class="call-name">
            {c.you}
            {call.muted && <span class="muted"> · {c.muted}</span>}
          </span>
        </li>
        {(call.ended === null ? visibleMembers(call) : []).map(([userId, status]) => (
          <Tile
            key={userId.toString()}
            name={client.userName(userId)}
            status={status}
            peer={peers.get(userId)}
            isAdmin={call.admins.has(userId)}
            canModerate={admin && call.ended === null && status === "joined"}
            onKick={() => void run(() => calls.kick(userId))}
            onPromote={() => void run(() => calls.promote(userId))}
          />
        ))}
      </ul>
      <details class="call-servers">
        <summary>{c.servers}</summary>
        <ul data-testid="call-servers">
          {servers.length === 0 ? <li>{c.noServers}</li> : servers.map((url) => <li key={url}>{url}</li>)}
        </ul>
      </details>
    </section>
  );
}

function Tile(props: {
  name: string;
  status: MemberStatus;
  peer: PeerView | undefined;
  isAdmin: boolean;
  canModerate: boolean;
  onKick: () => void;
  onPromote: () => void;
}) {
  const c = useCallStrings();
  const { name, status, peer } = props;
  const connection = peer?.connection ?? "new";
  return (
    <li
      class={`call-tile ${status}`}
      data-testid="call-peer"
      data-name={name}
      data-status={status}
      data-connection={peer === undefined ? "none" : connection}
      data-bytes-received={peer?.bytesReceived ?? 0}
    >
      {peer !== undefined && status === "joined" ? (
        <MediaView stream={peer.stream} mine={false} label={name} name={name} />
      ) : (
        <div class="call-placeholder" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </div>
      )}
      <span class="call-name">
        {name}
        {props.isAdmin && <span class="muted"> · {c.admin}</span>}
      </span>
      <span class="call-status">
        {status === "joined" && peer !== undefined
          ? `${c.connection[connection]} · ${c.received((peer.bytesReceived / 1000).toFixed(1))}`
          : c.status[status]}
      </span>
      {props.canModerate && (
        <span class="call-admin">
          {!props.isAdmin && (
            <button type="button" class="link" onClick={props.onPromote}>
              {c.promote(name)}
            </button>
          )}
          <button type="button" class="link" onClick={props.onKick}>
            {c.kick(name)}
          </button>
        </span>
      )}
    </li>
  );
}
