/** Chats: the session list beside the open conversation (one at a time at phone width). */
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { lastMessage, sessionOrder } from "../../state/timeline";
import { Conversation } from "./Conversation";
import { Avatar } from "../Avatar";
import { LockIcon, shownText } from "../e2ee/Encryption";

export function ChatScreen({ client }: { client: ChatClient }) {
  const t = useStrings();
  const timeline = useStore(client.timeline);
  const me = useStore(client.me);
  useStore(client.sessions);
  useStore(client.users);
  const encrypted = useStore(client.e2ee.encrypted);
  const texts = useStore(client.e2ee.texts);
  const ids = new Set<bigint>([...(me?.sessions ?? []), ...timeline.sessionIds]);
  const order = sessionOrder(timeline, [...ids]);
  const open = timeline.open;
  return (
    <div class={`chat ${open !== null ? "has-open" : ""}`}>
      <aside class="session-list">
        <h2 class="sr-only">{t.sessions}</h2>
        <ul>
          {order.map((id) => {
            const last = lastMessage(timeline, id);
            const unread = timeline.unread.get(id) ?? 0;
            const title = client.sessionTitle(id);
            return (
              <li key={id.toString()}>
                <button
                  type="button"
                  class="session-item"
                  aria-current={open === id ? "true" : undefined}
                  aria-label={unread > 0 ? `${title}, ${unread} ${t.unread}` : title}
                  onClick={() => client.open(id)}
                >
                  <Avatar client={client} sessionId={id} label={title} />
                  <span class="session-text">
                    <span class="session-name">
                      {encrypted.has(id) && <LockIcon label={t.encrypted} />}
                      {title}
                    </span>
                    <span class="session-last">{last ? preview(shownText(texts, last, t).text, t.image) : ""}</span>
                  </span>
                  {unread > 0 && <span class="badge">{unread}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      </aside>
      <section class="conversation-pane">
        {open === null ? (
          <p class="empty">{t.noSession}</p>
        ) : (
          <Conversation key={open.toString()} client={client} sessionId={open} />
        )}
      </section>
    </div>
  );
}

function preview(text: string, image: string): string {
  const plain = text.replace(/!\[[^\]]*\]\([^)]*\)/g, `[${image}]`).replace(/[*_`#>]/g, "");
  return plain.length > 60 ? `${plain.slice(0, 60)}…` : plain;
}
