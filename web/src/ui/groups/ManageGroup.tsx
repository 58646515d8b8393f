/** One group's settings: name, description, avatar, invitations, roles, and moderation of members. */
import { useEffect, useState } from "preact/hooks";
import type { Strings } from "../../i18n/strings";
import { assignableRoles, mayActOn, Perm, permissionsOf, ROLE_ADMIN, ROLE_MEMBER, ROLE_OWNER, type CustomRole } from "../../state/roles";
import { api } from "../api";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { AvatarPicker } from "../profile/AvatarCropper";
import { Feedback, useAction } from "../useAction";
import { createdRoles, customRoles, ensureRoles } from "./customRoles";
import { NewRoleForm } from "./NewRoleForm";

/** Mute and ban lengths in seconds (null: until lifted), labelled by `t.durations`. */
const DURATIONS: (bigint | null)[] = [600n, 3600n, 86400n, null];

export function roleName(t: Strings, role: bigint, custom: ReadonlyMap<bigint, CustomRole>): string {
  if (role === ROLE_OWNER) return t.owner;
  if (role === ROLE_ADMIN) return t.adminRole;
  if (role === ROLE_MEMBER) return t.member;
  return custom.get(role)?.name ?? `#${role}`;
}

export function ManageGroup({ client, sessionId }: { client: ChatClient; sessionId: bigint }) {
  const t = useStrings();
  const sessions = useStore(client.sessions);
  const custom = useStore(customRoles);
  const created = useStore(createdRoles);
  useStore(client.users);
  const s = sessions.get(sessionId);
  const [name, setName] = useState(s?.name ?? "");
  const [description, setDescription] = useState(s?.description ?? "");
  const [invitee, setInvitee] = useState("");
  const [unbanOcid, setUnbanOcid] = useState("");
  const [duration, setDuration] = useState(0);
  const act = useAction();
  // Roles and members change without an event: read them afresh when the panel opens.
  useEffect(() => client.ensureSession(sessionId, true), [sessionId]);
  useEffect(() => ensureRoles(s?.roles.values() ?? []), [s]);
  if (s === undefined) return null;
  const me = client.login.userId;
  const myRole = s.roles.get(me) ?? ROLE_MEMBER;
  const mine = permissionsOf(myRole, custom);
  const moderates = [Perm.Mute, Perm.Ban, Perm.Kick, Perm.SetRole].some((p) => mine.has(p));
  const seconds = DURATIONS[duration];
  const length = seconds === null ? undefined : { seconds, nanos: 0 };
  const refresh = () => client.ensureSession(sessionId, true);
  const sessionRoles = [...new Set([...s.roles.values(), ...(created.get(sessionId) ?? [])])];
  const offered = assignableRoles(myRole, sessionRoles);
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
      <AvatarPicker
        label={t.avatar}
        onCropped={(file) =>
          act.run(async () => {
            const key = await client.upload(file, sessionId, false);
            await api.chat.setSessionInfo({ sessionId, avatarKey: key });
            refresh();
          }, t.saved)
        }
      />
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
      {mine.has(Perm.Unban) && (
        <form
          class="row-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await act.run(async () => {
              const userId = await client.findUser(unbanOcid);
              await api.chat.unbanUser({ sessionId, userIds: [userId] });
            }, t.saved);
            if (ok) setUnbanOcid("");
          }}
        >
          <label>
            {t.unbanOcid}
            <input required value={unbanOcid} onInput={(e) => setUnbanOcid(e.currentTarget.value)} />
          </label>
          <button type="submit">{t.unban}</button>
        </form>
      )}
      {mine.has(Perm.SetRole) && <NewRoleForm sessionId={sessionId} />}
      {moderates && (
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
          const role = s.roles.get(m) ?? ROLE_MEMBER;
          const may = (p: Perm) => m !== me && mayActOn(myRole, role, p, custom);
          return (
            <li key={m.toString()}>
              <span>
                {who} <span class="muted">({roleName(t, role, custom)})</span>
              </span>
              <span class="actions">
                {may(Perm.Mute) && (
                  <button type="button" aria-label={`${t.mute} ${who}`} onClick={() => void act.run(() => api.chat.muteUser({ sessionId, userIds: [m], duration: length }), t.saved)}>
                    {t.mute}
                  </button>
                )}
                {may(Perm.Unmute) && (
                  <button type="button" aria-label={`${t.unmute} ${who}`} onClick={() => void act.run(() => api.chat.unmuteUser({ sessionId, userIds: [m] }), t.saved)}>
                    {t.unmute}
                  </button>
                )}
                {may(Perm.Ban) && (
                  <button type="button" aria-label={`${t.ban} ${who}`} onClick={() => void act.run(async () => { await api.chat.banUser({ sessionId, userIds: [m], duration: length }); refresh(); }, t.saved)}>
                    {t.ban}
                  </button>
                )}
                {may(Perm.Kick) && (
                  <button type="button" aria-label={`${t.kick} ${who}`} onClick={() => void act.run(async () => { await api.chat.kickUser({ sessionId, userId: m }); refresh(); }, t.saved)}>
                    {t.kick}
                  </button>
                )}
                {may(Perm.SetRole) && (
                  <select
                    aria-label={`${t.roleOf} ${who}`}
                    value={role.toString()}
                    onChange={(e) => {
                      const roleId = BigInt(e.currentTarget.value);
                      void act.run(async () => {
                        await api.chat.setRole({ sessionId, memberId: m, roleId });
                        refresh();
                      }, t.saved);
                    }}
                  >
                    {(offered.includes(role) ? offered : [...offered, role]).map((r) => (
                      <option key={r.toString()} value={r.toString()}>
                        {roleName(t, r, custom)}
                      </option>
                    ))}
                  </select>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      <div class="actions">
        <button type="button" onClick={() => void act.run(() => client.leave(sessionId))}>
          {t.leave}
        </button>
        {mine.has(Perm.DeleteSession) && (
          <button type="button" class="danger" onClick={() => void act.run(() => client.deleteGroup(sessionId))}>
            {t.deleteGroup}
          </button>
        )}
      </div>
      <Feedback error={act.error} note={act.note} />
    </div>
  );
}
