/** Groups: create, ask to join, answer join requests, and manage a group I am in. */
import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { ManageGroup } from "./ManageGroup";

export function GroupsScreen({ client, onOpen }: { client: ChatClient; onOpen: () => void }) {
  const t = useStrings();
  const me = useStore(client.me);
  const timeline = useStore(client.timeline);
  const sessions = useStore(client.sessions);
  useStore(client.users);
  const [name, setName] = useState("");
  const [members, setMembers] = useState("");
  const [encrypted, setEncrypted] = useState(false);
  const [joinId, setJoinId] = useState("");
  const [joinMessage, setJoinMessage] = useState("");
  const [managing, setManaging] = useState<bigint | null>(null);
  const create = useAction();
  const join = useAction();
  const answer = useAction();
  // A kick or a ban sends no event: read my memberships afresh whenever this screen opens.
  useEffect(() => void client.refreshMe(), [client]);
  const invites = timeline.invites.filter((i) => !(me?.sessions ?? []).includes(i.sessionId));
  const groups = (me?.sessions ?? []).filter((id) => {
    const s = sessions.get(id);
    return s !== undefined && (s.name !== "" || s.members.length !== 2);
  });

  return (
    <div class="page">
      <section class="panel">
        <h2>{t.newGroup}</h2>
        <form
          class="row-form"
          onSubmit={async (e) => {
            e.preventDefault();
            let id = 0n;
            const ok = await create.run(async () => {
              id = await client.newGroup(name, members.split(/[\s,]+/), encrypted);
            });
            if (ok) {
              setName("");
              setMembers("");
              setEncrypted(false);
              client.open(id);
              onOpen();
            }
          }}
        >
          <label>
            {t.groupName}
            <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            {t.members}
            <input value={members} onInput={(e) => setMembers(e.currentTarget.value)} />
          </label>
          <label class="inline-label">
            <input type="checkbox" checked={encrypted} onChange={(e) => setEncrypted(e.currentTarget.checked)} />
            {t.encrypted}
          </label>
          <button type="submit" class="primary" disabled={create.busy}>
            {t.create}
          </button>
        </form>
        <Feedback error={create.error} note={create.note} />
      </section>
      <section class="panel">
        <h2>{t.joinGroup}</h2>
        <form
          class="row-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await join.run(() => client.requestJoin(BigInt(joinId.trim()), joinMessage), t.joinRequested)) {
              setJoinId("");
              setJoinMessage("");
            }
          }}
        >
          <label>
            {t.sessionId}
            <input required inputMode="numeric" pattern="[0-9]+" value={joinId} onInput={(e) => setJoinId(e.currentTarget.value)} />
          </label>
          <label>
            {t.joinMessage}
            <input value={joinMessage} onInput={(e) => setJoinMessage(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={join.busy}>
            {t.requestJoin}
          </button>
        </form>
        <Feedback error={join.error} note={join.note} />
      </section>
      {invites.length > 0 && (
        <section class="panel" aria-labelledby="invites-h">
          <h2 id="invites-h">{t.invitations}</h2>
          <ul class="plain">
            {invites.map((i) => {
              const group = client.sessionTitle(i.sessionId);
              return (
                <li key={i.sessionId.toString()} class="request">
                  <span>
                    <strong>{group}</strong> ← {client.userName(i.inviterId)} {i.message && <q>{i.message}</q>}
                  </span>
                  <button
                    type="button"
                    class="primary"
                    aria-label={`${t.accept} ${group}`}
                    onClick={() => void answer.run(() => client.answerInvite(i.sessionId, i.inviterId, true))}
                  >
                    {t.accept}
                  </button>
                  <button
                    type="button"
                    aria-label={`${t.decline} ${group}`}
                    onClick={() => void answer.run(() => client.answerInvite(i.sessionId, i.inviterId, false))}
                  >
                    {t.decline}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {timeline.joinRequests.length > 0 && (
        <section class="panel" aria-labelledby="join-h">
          <h2 id="join-h">{t.joinRequests}</h2>
          <ul class="plain">
            {timeline.joinRequests.map((r) => {
              const who = client.userName(r.userId);
              return (
                <li key={`${r.sessionId}-${r.userId}`} class="request">
                  <span>
                    <strong>{who}</strong> → {client.sessionTitle(r.sessionId)} {r.message && <q>{r.message}</q>}
                  </span>
                  <button
                    type="button"
                    class="primary"
                    aria-label={`${t.approve} ${who}`}
                    onClick={() => void answer.run(() => client.answerJoin(r.sessionId, r.userId, true))}
                  >
                    {t.approve}
                  </button>
                  <button
                    type="button"
                    aria-label={`${t.refuse} ${who}`}
                    onClick={() => void answer.run(() => client.answerJoin(r.sessionId, r.userId, false))}
                  >
                    {t.refuse}
                  </button>
                </li>
              );
            })}
          </ul>
          <Feedback error={answer.error} note={answer.note} />
        </section>
      )}
      <section class="panel" aria-labelledby="groups-h">
        <h2 id="groups-h">{t.groups}</h2>
        <ul class="plain">
          {groups.map((id) => (
            <li key={id.toString()} class="group-row">
              <strong>{client.sessionTitle(id)}</strong>
              <span class="muted">
                {t.sessionId} {id.toString()}
              </span>
              <button
                type="button"
                onClick={() => {
                  client.open(id);
                  onOpen();
                }}
              >
                {t.sessions}
              </button>
              <button type="button" aria-expanded={managing === id} onClick={() => setManaging(managing === id ? null : id)}>
                {t.settings}
              </button>
              {managing === id && <ManageGroup client={client} sessionId={id} />}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
