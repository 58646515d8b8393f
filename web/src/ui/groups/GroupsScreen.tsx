/** Groups: create, ask to join, answer join requests, and manage a group I am in. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { ROLE_ADMIN, ROLE_OWNER, type ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { squareImage } from "../profile/ProfileScreen";

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

/** Mute and ban lengths in seconds (null: until lifted), labelled by `t.durations`. */
const DURATIONS: (bigint | null)[] = [600n, 3600n, 86400n, null];

function ManageGroup({ client, sessionId }: { client: ChatClient; sessionId: bigint }) {
  const t = useStrings();
  const sessions = useStore(client.sessions);
  useStore(client.users);
  const s = sessions.get(sessionId);
  const [name, setName] = useState(s?.name ?? "");
  const [description, setDescription] = useState(s?.description ?? "");
  const [invitee, setInvitee] = useState("");
  const [duration, setDuration] = useState(0);
  const act = useAction();
  // Roles and members change without an event: read them afresh when the panel opens.
  useEffect(() => client.ensureSession(sessionId, true), [sessionId]);
  if (s === undefined) return null;
  const myRole = s.roles.get(client.login.userId) ?? 1n;
  const canManage = myRole === ROLE_ADMIN || myRole === ROLE_OWNER;
  const seconds = DURATIONS[duration];
  const length = seconds === null ? undefined : { seconds, nanos: 0 };
  const refresh = () => client.ensureSession(sessionId, true);
  return (
    <div class="manage">
      <form
        class="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act.run(() => client.setSessionInfo(sessionId, name, description), t.saved);
        }}
      >
        <label>
          {t.groupName}
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t.description}
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <button type="submit">{t.save}</button>
      </form>
      <label>
        {t.avatar}
        <input
          type="file"
          accept="image/*"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f)
              void act.run(async () => {
                const key = await client.upload(await squareImage(f), sessionId, false);
                await api.chat.setSessionInfo({ sessionId, avatarKey: key });
                refresh();
              }, t.saved);
          }}
        />
      </label>
      <form
        class="row-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await act.run(() => client.invite(sessionId, invitee), t.saved)) setInvitee("");
        }}
      >
        <label>
          {t.inviteOcid}
          <input required value={invitee} onInput={(e) => setInvitee(e.currentTarget.value)} />
        </label>
        <button type="submit">{t.invite}</button>
      </form>
      {canManage && (
        <label class="inline-label">
          {t.duration}
          <select value={duration} onChange={(e) => setDuration(Number(e.currentTarget.value))}>
            {DURATIONS.map((_, i) => (
              <option value={i} key={i}>
                {t.durations[i]}
              </option>
            ))}
          </select>
        </label>
      )}
      <ul class="plain members">
        {s.members.map((m) => {
          const who = client.userName(m);
          const role = s.roles.get(m) ?? 1n;
          return (
            <li key={m.toString()}>
              <span>
                {who} <span class="muted">({roleName(t, role)})</span>
              </span>
              {canManage && m !== client.login.userId && rank(role) < rank(myRole) && (
                <span class="actions">
                  <button type="button" aria-label={`${t.mute} ${who}`} onClick={() => void act.run(() => api.chat.muteUser({ sessionId, userIds: [m], duration: length }), t.saved)}>
                    {t.mute}
                  </button>
                  <button type="button" aria-label={`${t.unmute} ${who}`} onClick={() => void act.run(() => api.chat.unmuteUser({ sessionId, userIds: [m] }), t.saved)}>
                    {t.unmute}
                  </button>
                  <button type="button" aria-label={`${t.ban} ${who}`} onClick={() => void act.run(async () => { await api.chat.banUser({ sessionId, userIds: [m], duration: length }); refresh(); }, t.saved)}>
                    {t.ban}
                  </button>
                  <button type="button" aria-label={`${t.kick} ${who}`} onClick={() => void act.run(async () => { await api.chat.kickUser({ sessionId, userId: m }); refresh(); }, t.saved)}>
                    {t.kick}
                  </button>
                  {myRole === ROLE_OWNER && (
                    <button
                      type="button"
                      aria-label={`${role === ROLE_ADMIN ? t.makeMember : t.makeAdmin} ${who}`}
                      onClick={() => void act.run(async () => { await api.chat.setRole({ sessionId, memberId: m, roleId: role === ROLE_ADMIN ? 1n : ROLE_ADMIN }); refresh(); }, t.saved)}
                    >
                      {role === ROLE_ADMIN ? t.makeMember : t.makeAdmin}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div class="actions">
        <button type="button" onClick={() => void act.run(() => client.leave(sessionId))}>
          {t.leave}
        </button>
        {myRole === ROLE_OWNER && (
          <button type="button" class="danger" onClick={() => void act.run(() => client.deleteGroup(sessionId))}>
            {t.deleteGroup}
          </button>
        )}
      </div>
      <Feedback error={act.error} note={act.note} />
    </div>
  );
}

/** Owner 3 > admin 2 > member 1: one acts only on those ranked strictly below. */
function rank(role: bigint): number {
  return role === ROLE_OWNER ? 3 : role === ROLE_ADMIN ? 2 : 1;
}

function roleName(t: ReturnType<typeof useStrings>, role: bigint): string {
  return role === ROLE_OWNER ? t.owner : role === ROLE_ADMIN ? t.adminRole : t.member;
}
