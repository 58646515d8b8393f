/** The admin panel (holders of server roles): maintenance, announcements, users, roles, sessions, settings, metrics. */
import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useState } from "preact/hooks";
import { micros } from "../../api/events";
import { ServerStatus } from "../../api/gen/service/server_manage/set_server_status/v1/set_server_status_pb";
import type { UserInfo } from "../../api/gen/service/server_manage/user_manage/v1/user_manage_pb";
import type { GetSessionInfoResponse } from "../../api/gen/service/ourchat/session/get_session_info/v1/get_session_info_pb";
import { QueryValues as SessionQuery } from "../../api/gen/service/ourchat/session/get_session_info/v1/get_session_info_pb";
import { api } from "../api";
import type { ChatClient } from "../controller";
import { useStore, useStrings } from "../hooks";
import { Feedback, useAction } from "../useAction";
import { MetricsPanel } from "./MetricsPanel";

type Section = "status" | "users" | "roles" | "sessions" | "config" | "metrics";

export function AdminScreen({ client }: { client: ChatClient }) {
  const t = useStrings();
  const [section, setSection] = useState<Section>("status");
  const sections: [Section, string][] = [
    ["status", t.maintenanceMode],
    ["users", t.users],
    ["roles", t.roles],
    ["sessions", t.adminSessions],
    ["config", t.settings],
    ["metrics", t.metrics],
  ];
  return (
    <div class="page admin">
      <nav class="subtabs" aria-label={t.admin}>
        {sections.map(([id, label]) => (
          <button type="button" key={id} aria-current={section === id ? "page" : undefined} onClick={() => setSection(id)}>
            {label}
          </button>
        ))}
      </nav>
      {section === "status" && <StatusPanel client={client} />}
      {section === "users" && <UsersPanel />}
      {section === "roles" && <RolesPanel />}
      {section === "sessions" && <SessionsPanel />}
      {section === "config" && <ConfigPanel />}
      {section === "metrics" && <MetricsPanel />}
    </div>
  );
}

function StatusPanel({ client }: { client: ChatClient }) {
  const t = useStrings();
  const maintenance = useStore(client.maintenance);
  const [reason, setReason] = useState("");
  const [title, setTitle] = useState("");
  const [content, setContent] = useState("");
  const act = useAction();
  const timeline = useStore(client.timeline);
  return (
    <>
      <section class="panel">
        <h2>{t.maintenanceMode}</h2>
        <p data-testid="maintenance-state">{maintenance ? t.maintenance : "✓"}</p>
        <label>
          {t.reason}
          <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <button
          type="button"
          class={maintenance ? "primary" : "danger"}
          onClick={() =>
            void act.run(async () => {
              await api.admin.setServerStatus({
                serverStatus: maintenance ? ServerStatus.NORMAL : ServerStatus.MAINTAINING,
                reason,
              });
              client.maintenance.set(!maintenance);
            })
          }
        >
          {maintenance ? t.turnOff : t.turnOn}
        </button>
      </section>
      <section class="panel">
        <h2>{t.announce}</h2>
        <form
          class="col-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await act.run(
              () => api.admin.publishAnnouncement({ announcement: { title, content, publisherId: client.login.userId } }),
              t.saved,
            );
            if (ok) {
              setTitle("");
              setContent("");
            }
          }}
        >
          <label>
            {t.title}
            <input required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label>
            {t.content}
            <textarea required value={content} onInput={(e) => setContent(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary">
            {t.announce}
          </button>
        </form>
        <Feedback error={act.error} note={act.note} />
        <ul class="plain">
          {timeline.announcements.map((a) => (
            <li key={a.id.toString()}>
              <strong>{a.title}</strong> {a.content}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

const PAGE_SIZE = 20;
/** Server ban lengths in seconds (null: until lifted), labelled by `t.durations`. */
const BAN_DURATIONS: (bigint | null)[] = [600n, 3600n, 86400n, null];

function UsersPanel() {
  const t = useStrings();
  const [query, setQuery] = useState("");
  const [pageNo, setPageNo] = useState(1);
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [total, setTotal] = useState(0);
  const [searched, setSearched] = useState("");
  const [shown, setShown] = useState(1);
  const [banFor, setBanFor] = useState(0);
  const [reason, setReason] = useState("");
  const act = useAction();
  const load = (q: string, page: number) =>
    act.run(async () => {
      const r = await api.admin.listUsers({
        filter: q === "" ? undefined : q.includes("@") ? { email: q } : { userName: q },
        pagination: { page, pageSize: PAGE_SIZE },
      });
      setUsers(r.users);
      setTotal(r.totalCount);
      setShown(r.page);
    });
  useEffect(() => void load(searched, pageNo), [searched, pageNo]);
  const seconds = BAN_DURATIONS[banFor];
  const ban = (userId: bigint) =>
    api.admin.banUser({
      userId,
      reason: reason.trim() === "" ? undefined : reason.trim(),
      duration: seconds === null ? undefined : { seconds, nanos: 0 },
    });
  return (
    <section class="panel">
      <h2>{t.users}</h2>
      <form
        class="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          setPageNo(1);
          setSearched(query.trim());
          if (pageNo === 1 && query.trim() === searched) void load(searched, 1);
        }}
      >
        <label>
          {t.searchUsers}
          <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <button type="submit">{t.search}</button>
      </form>
      <div class="row-form">
        <label>
          {t.banDuration}
          <select value={banFor} onChange={(e) => setBanFor(Number(e.currentTarget.value))}>
            {BAN_DURATIONS.map((_, i) => (
              <option value={i} key={i}>
                {t.durations[i]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.banReason}
          <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      </div>
      <p class="muted" data-testid="users-total">
        {t.matching(total)}
      </p>
      <table>
        <thead>
          <tr>
            <th>{t.ocid}</th>
            <th>{t.name}</th>
            <th>{t.email}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id.toString()}>
              <td>{u.ocid}</td>
              <td>{u.userName}</td>
              <td>{u.email}</td>
              <td class="actions">
                <button type="button" aria-label={`${t.ban} ${u.ocid}`} onClick={() => void act.run(() => ban(u.id), `${t.banned}: ${u.ocid}`)}>
                  {t.ban}
                </button>
                <button type="button" aria-label={`${t.unban} ${u.ocid}`} onClick={() => void act.run(() => api.admin.unbanUser({ userId: u.id }), `${t.unbanned}: ${u.ocid}`)}>
                  {t.unban}
                </button>
                <button
                  type="button"
                  class="danger"
                  aria-label={`${t.deleteAccount} ${u.ocid}`}
                  onClick={() =>
                    confirm(`${t.deleteAccount} ${u.ocid}?`) &&
                    void act.run(async () => {
                      await api.admin.deleteAccount({ userId: u.id });
                      await load(searched, pageNo);
                    }, `${t.deleted}: ${u.ocid}`)
                  }
                >
                  {t.deleteAccount}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" aria-label={t.previousPage} disabled={pageNo <= 1} onClick={() => setPageNo(pageNo - 1)}>
          ←
        </button>
        <span data-testid="users-page">
          {shown} / {Math.max(1, Math.ceil(total / PAGE_SIZE))}
        </span>
        <button type="button" aria-label={t.nextPage} disabled={pageNo * PAGE_SIZE >= total} onClick={() => setPageNo(pageNo + 1)}>
          →
        </button>
      </div>
      <Feedback error={act.error} note={act.note} />
    </section>
  );
}

function RolesPanel() {
  const t = useStrings();
  const [roles, setRoles] = useState<{ id: bigint; name: string; description: string }[]>([]);
  const [ocid, setOcid] = useState("");
  const [roleId, setRoleId] = useState("1");
  const [held, setHeld] = useState<{ ocid: string; roleIds: bigint[] } | null>(null);
  const act = useAction();
  useEffect(() => void act.run(async () => setRoles((await api.admin.listServerRoles({})).roles)), []);
  const change = (how: "assign" | "remove" | "show") =>
    act.run(async () => {
      const who = ocid.trim();
      const userId = (await api.basic.getId({ ocid: who })).id;
      const req = { userId, roleId: BigInt(roleId) };
      if (how === "assign") await api.admin.assignServerRole(req);
      if (how === "remove") await api.admin.removeServerRole(req);
      setHeld({ ocid: who, roleIds: (await api.admin.listUserServerRoles({ userId })).roleIds });
    }, how === "show" ? undefined : t.saved);
  const roleLabel = (id: bigint) => roles.find((r) => r.id === id)?.name ?? `#${id}`;
  return (
    <section class="panel">
      <h2>{t.roles}</h2>
      <ul class="plain">
        {roles.map((r) => (
          <li key={r.id.toString()}>
            <strong>
              {r.id.toString()} {r.name}
            </strong>{" "}
            <span class="muted">{r.description}</span>
          </li>
        ))}
      </ul>
      <form class="row-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.userOcid}
          <input value={ocid} onInput={(e) => setOcid(e.currentTarget.value)} />
        </label>
        <label>
          {t.serverRole}
          <select value={roleId} onChange={(e) => setRoleId(e.currentTarget.value)}>
            {roles.map((r) => (
              <option key={r.id.toString()} value={r.id.toString()}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" onClick={() => void change("show")}>
          {t.showRoles}
        </button>
        <button type="button" onClick={() => void change("assign")}>
          {t.grant}
        </button>
        <button type="button" onClick={() => void change("remove")}>
          {t.revoke}
        </button>
      </form>
      {held !== null && (
        <p data-testid="held-roles">
          {held.ocid}: {held.roleIds.length === 0 ? t.noServerRoles : held.roleIds.map(roleLabel).join(", ")}
        </p>
      )}
      <Feedback error={act.error} note={act.note} />
    </section>
  );
}

function SessionsPanel() {
  const t = useStrings();
  const [name, setName] = useState("");
  const [sessions, setSessions] = useState<GetSessionInfoResponse[]>([]);
  const act = useAction();
  const load = () =>
    act.run(async () => {
      const r = await api.admin.listSessions({
        filter: name.trim() === "" ? undefined : { sessionName: name.trim() },
        pagination: { page: 1, pageSize: 50 },
        queryValues: [SessionQuery.SESSION_ID, SessionQuery.NAME, SessionQuery.SIZE, SessionQuery.CREATED_TIME],
      });
      setSessions(r.sessions);
    });
  useEffect(() => void load(), []);
  return (
    <section class="panel">
      <h2>{t.adminSessions}</h2>
      <form
        class="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t.groupName}
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit">{t.search}</button>
      </form>
      <table>
        <thead>
          <tr>
            <th>{t.sessionId}</th>
            <th>{t.groupName}</th>
            <th>{t.memberCount}</th>
            <th>{t.created}</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={String(s.sessionId)} data-testid="session-row">
              <td>{String(s.sessionId ?? "")}</td>
              <td>{s.name || "—"}</td>
              <td>{String(s.size ?? "")}</td>
              <td>{s.createdTime ? new Date(Number(micros(s.createdTime) / 1000n)).toLocaleString() : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Feedback error={act.error} note={act.note} />
    </section>
  );
}

function ConfigPanel() {
  const t = useStrings();
  const [content, setContent] = useState("");
  const [current, setCurrent] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const act = useAction();
  useEffect(() => void act.run(async () => setCurrent((await api.admin.getConfig({})).content)), []);
  return (
    <section class="panel">
      <h2>{t.settings}</h2>
      <pre class="config" tabIndex={0} aria-label={t.currentSettings} data-testid="config">
        {current}
      </pre>
      <form
        class="col-form"
        onSubmit={(e) => {
          e.preventDefault();
          setResult(null);
          void act.run(async () => {
            const r = await api.admin.setConfig({ content });
            if (!r.success) throw new ConnectError(r.message, Code.InvalidArgument);
            setResult(r.message);
            setCurrent((await api.admin.getConfig({})).content);
          });
        }}
      >
        <label>
          {t.settingsToChange}
          <textarea rows={4} value={content} onInput={(e) => setContent(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          {t.save}
        </button>
      </form>
      <Feedback error={act.error} note={result} />
    </section>
  );
}
