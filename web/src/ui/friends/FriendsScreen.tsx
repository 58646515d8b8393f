/** Friends: find by OCID and send a request, answer requests, contact names, remove. */
import { useState } from "preact/hooks";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { Avatar } from "../Avatar";

export function FriendsScreen({ client, onOpen }: { client: ChatClient; onOpen: () => void }) {
  const t = useStrings();
  const me = useStore(client.me);
  const timeline = useStore(client.timeline);
  const users = useStore(client.users);
  const [ocid, setOcid] = useState("");
  const [message, setMessage] = useState("");
  const add = useAction();
  const answer = useAction();
  const incoming = timeline.friendRequests.filter(
    (r) => r.incoming && !(me?.friends ?? []).includes(r.userId),
  );
  const outgoing = timeline.friendRequests.filter(
    (r) => !r.incoming && !(me?.friends ?? []).includes(r.userId),
  );

  return (
    <div class="page">
      <section class="panel">
        <h2>{t.sendRequest}</h2>
        <form
          class="row-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await add.run(() => client.addFriend(ocid, message), t.requestSent)) {
              setOcid("");
              setMessage("");
            }
          }}
        >
          <label>
            {t.findByOcid}
            <input required value={ocid} onInput={(e) => setOcid(e.currentTarget.value)} />
          </label>
          <label>
            {t.requestMessage}
            <input value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={add.busy}>
            {t.sendRequest}
          </button>
        </form>
        <Feedback error={add.error} note={add.note} />
      </section>
      <section class="panel" aria-labelledby="incoming-h">
        <h2 id="incoming-h">{t.incoming}</h2>
        {incoming.length === 0 && <p class="muted">{t.noRequests}</p>}
        <ul class="plain">
          {incoming.map((r) => {
            const name = client.userName(r.userId);
            return (
              <li key={r.userId.toString()} class="request">
                <Avatar client={client} userId={r.userId} label={name} />
                <span>
                  <strong>{name}</strong> {r.message && <q>{r.message}</q>}
                </span>
                <button
                  type="button"
                  class="primary"
                  aria-label={`${t.accept} ${name}`}
                  onClick={() => void answer.run(() => client.answerFriend(r.userId, true))}
                >
                  {t.accept}
                </button>
                <button
                  type="button"
                  aria-label={`${t.decline} ${name}`}
                  onClick={() => void answer.run(() => client.answerFriend(r.userId, false))}
                >
                  {t.decline}
                </button>
              </li>
            );
          })}
        </ul>
        <Feedback error={answer.error} note={answer.note} />
      </section>
      <section class="panel" aria-labelledby="outgoing-h">
        <h2 id="outgoing-h">{t.outgoing}</h2>
        {outgoing.length === 0 && <p class="muted">{t.noRequests}</p>}
        <ul class="plain">
          {outgoing.map((r) => (
            <li key={r.userId.toString()} class="request">
              <strong>{client.userName(r.userId)}</strong> {r.message && <q>{r.message}</q>}
            </li>
          ))}
        </ul>
      </section>
      <section class="panel" aria-labelledby="friends-h">
        <h2 id="friends-h">{t.friends}</h2>
        <ul class="plain">
          {(me?.friends ?? []).map((id) => (
            <FriendRow
              key={id.toString()}
              client={client}
              id={id}
              contact={users.get(id)?.displayName ?? ""}
              onOpen={onOpen}
            />
          ))}
        </ul>
      </section>
    </div>
  );
}

function FriendRow({
  client,
  id,
  contact,
  onOpen,
}: {
  client: ChatClient;
  id: bigint;
  contact: string;
  onOpen: () => void;
}) {
  const t = useStrings();
  const [value, setValue] = useState(contact);
  const act = useAction();
  const me = useStore(client.me);
  const sessions = useStore(client.sessions);
  const name = client.userName(id);
  const u = client.users.get().get(id);
  // The two-person session with this friend, if known.
  const direct = (me?.sessions ?? []).find((s) => {
    const info = sessions.get(s);
    return info !== undefined && info.name === "" && info.members.length === 2 && info.members.includes(id);
  });
  return (
    <li class="friend">
      <Avatar client={client} userId={id} label={name} />
      <span class="friend-name">
        <strong>{name}</strong> <span class="muted">{u?.ocid}</span>
      </span>
      {direct !== undefined && (
        <button
          type="button"
          onClick={() => {
            client.open(direct);
            onOpen();
          }}
        >
          {t.sessions}
        </button>
      )}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(() => client.setContactName(id, value), t.saved);
        }}
      >
        <label>
          <span class="sr-only">
            {t.contactName} {u?.ocid}
          </span>
          <input
            aria-label={`${t.contactName} ${u?.ocid ?? ""}`}
            placeholder={t.contactName}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </label>
        <button type="submit">{t.save}</button>
      </form>
      <button
        type="button"
        aria-label={`${t.removeFriend} ${name}`}
        onClick={() => void act.run(() => client.removeFriend(id))}
      >
        {t.removeFriend}
      </button>
      <Feedback error={act.error} note={act.note} />
    </li>
  );
}
