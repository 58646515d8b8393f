/** One conversation: history (paged back), live messages, recall, the composer with attachments. */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { callError } from "../../api/errors";
import { errorText } from "../../i18n/strings";
import type { MessageEvent } from "../../state/events";
import { renderMarkdown } from "../../state/markdown";
import { page } from "../../state/timeline";
import { downloadBlob } from "../auth/AuthScreen";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { CallButtons } from "../call/CallButtons";
import { EncryptionControl, useShownText } from "../e2ee/Encryption";

const PAGE = 30;

export function Conversation({ client, sessionId }: { client: ChatClient; sessionId: bigint }) {
  const t = useStrings();
  const timeline = useStore(client.timeline);
  const uploads = useStore(client.uploads);
  useStore(client.users);
  useStore(client.sessions);
  const [shown, setShown] = useState(PAGE);
  const [text, setText] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const atBottom = useRef(true);

  const { items, more } = page(timeline, sessionId, shown, null);
  const title = client.sessionTitle(sessionId);

  useLayoutEffect(() => {
    const el = list.current;
    if (el !== null && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [items.length, items[items.length - 1]?.id]);

  useEffect(() => {
    const el = list.current;
    if (el === null) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    };
    el.addEventListener("scroll", onScroll);
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    if (text.trim() === "" && files.length === 0) return;
    setSending(true);
    setError(null);
    try {
      atBottom.current = true;
      await client.send(sessionId, text, files);
      setText("");
      setFiles([]);
      if (fileInput.current) fileInput.current.value = "";
    } catch (err) {
      setError(errorText(t, callError(err).detail));
    } finally {
      setSending(false);
    }
  }

  return (
    <div class="conversation">
      <header class="conversation-head">
        <button type="button" class="back" onClick={() => client.open(null)} aria-label={t.back}>
          ←
        </button>
        <h2>{title}</h2>
        <EncryptionControl client={client} sessionId={sessionId} />
        <CallButtons client={client} sessionId={sessionId} />
      </header>
      <ol class="messages" ref={list} aria-label={title} aria-live="polite">
        {more && (
          <li class="more">
            <button
              type="button"
              onClick={() => {
                atBottom.current = false;
                setShown(shown + PAGE);
              }}
            >
              {t.earlier}
            </button>
          </li>
        )}
        {items.map((m) => (
          <MessageItem key={m.id.toString()} client={client} m={m} />
        ))}
      </ol>
      {uploads.map((u) => (
        <div class="upload" key={u.name}>
          <label>
            {t.uploading} {u.name}
            <progress max={u.size} value={u.sent} />
          </label>
        </div>
      ))}
      {error !== null && (
        <p role="alert" class="error composer-error">
          {error}
        </p>
      )}
      <form class="composer" onSubmit={submit}>
        <label class="attach">
          <span class="sr-only">{t.attach}</span>
          <input
            ref={fileInput}
            type="file"
            multiple
            aria-label={t.attach}
            onChange={(e) => setFiles([...(e.currentTarget.files ?? [])])}
          />
          <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
            <path
              d="M16.5 6.5 8.7 14.3a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.6-5.6L5.9 11.5a6 6 0 0 0 8.5 8.5l6.4-6.4"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              stroke-linecap="round"
            />
          </svg>
        </label>
        <textarea
          aria-label={t.message}
          placeholder={t.message}
          rows={1}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void submit(e);
            }
          }}
        />
        <button type="submit" class="primary" disabled={sending}>
          {t.send}
        </button>
      </form>
      {files.length > 0 && <p class="files-picked">{files.map((f) => f.name).join(", ")}</p>}
    </div>
  );
}

function MessageItem({ client, m }: { client: ChatClient; m: MessageEvent }) {
  const t = useStrings();
  const files = useStore(client.files);
  const mine = m.senderId === client.login.userId;
  const shown = useShownText(client, m);
  for (const key of m.files) client.fetchFile(key);
  const html = renderMarkdown(shown.text, (i) => files.get(m.files[i] ?? "") ?? null);
  const time = new Date(Number(m.time / 1000n));
  const attachments = m.files
    .map((key, i) => ({ key, i }))
    .filter(({ i }) => !new RegExp(`!\\[[^\\]]*\\]\\(\\s*IO://${i}\\s*\\)`, "i").test(shown.text));
  return (
    <li class={`message ${mine ? "mine" : "theirs"}${shown.sealed ? " sealed" : ""}`} data-msg-id={m.id.toString()}>
      <div class="meta">
        <span class="sender">{mine ? t.you : client.userName(m.senderId)}</span>
        <time dateTime={time.toISOString()}>{time.toLocaleTimeString()}</time>
      </div>
      <div class="body" dangerouslySetInnerHTML={{ __html: html }} />
      {attachments.length > 0 && (
        <div class="attachments">
          {attachments.map(({ key, i }) => (
            <button
              type="button"
              key={key}
              disabled={!files.has(key)}
              onClick={async () => {
                const url = files.get(key);
                if (url) downloadBlob(fileName(shown.text, i), await (await fetch(url)).blob());
              }}
            >
              {t.download} {fileName(shown.text, i)}
            </button>
          ))}
        </div>
      )}
      {mine && (
        <button
          type="button"
          class="recall link"
          aria-label={`${t.recall}: ${shown.text.slice(0, 30)}`}
          onClick={() => void client.recall(m.sessionId, m.id)}
        >
          {t.recall}
        </button>
      )}
    </li>
  );
}

/** The name a message gives file i (`[name](IO://i)`), else a generic one. */
function fileName(text: string, i: number): string {
  const m = new RegExp(`\\[([^\\]]+)\\]\\(\\s*IO://${i}\\s*\\)`, "i").exec(text);
  return m?.[1] ?? `file-${i + 1}`;
}
