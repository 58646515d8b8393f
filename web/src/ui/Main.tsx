/** The logged-in app: navigation, the connection banner, and the screen picked. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { ChatClient } from "./controller";
import { ChatScreen } from "./chat/ChatScreen";
import { FriendsScreen } from "./friends/FriendsScreen";
import { GroupsScreen } from "./groups/GroupsScreen";
import { ProfileScreen } from "./profile/ProfileScreen";
import { AdminScreen } from "./admin/AdminScreen";
import { useStore, useStrings } from "./hooks";
import { login, type Login } from "./login";
import { PrefsBar } from "./PrefsBar";
import { api } from "./api";
import { CallScreen } from "./call/CallScreen";
import { IncomingCalls } from "./call/IncomingCalls";
import { KeyRestoreBanner } from "./e2ee/Encryption";

type Tab = "chats" | "friends" | "groups" | "profile" | "admin";

export function Main({ login: me }: { login: Login }) {
  const t = useStrings();
  const client = useMemo(() => new ChatClient(me), [me]);
  const [tab, setTab] = useState<Tab>("chats");
  const [isAdmin, setIsAdmin] = useState(false);
  const state = useStore(client.stream);
  const maintenance = useStore(client.maintenance);
  const timeline = useStore(client.timeline);
  const unread = [...timeline.unread.values()].reduce((a, b) => a + b, 0);
  const requests = timeline.friendRequests.filter((r) => r.incoming).length;
  const joins = timeline.joinRequests.length + timeline.invites.length;
  const [dismissed, setDismissed] = useState(localStorage.getItem("ourchat.dismissed") ?? "");
  const latest = timeline.announcements[timeline.announcements.length - 1];
  const showAnnouncement = latest !== undefined && latest.id.toString() !== dismissed;

  useEffect(() => {
    client.start();
    api.admin
      .listUserServerRoles({ userId: me.userId })
      .then((r) => setIsAdmin(r.roleIds.length > 0))
      .catch(() => setIsAdmin(false));
    return () => client.stop();
  }, [client]);

  const tabs: [Tab, string, number][] = [
    ["chats", t.sessions, unread],
    ["friends", t.friends, requests],
    ["groups", t.groups, joins],
    ["profile", t.profile, 0],
  ];
  if (isAdmin) tabs.push(["admin", t.admin, 0]);

  return (
    <div class="app">
      <header class="topbar">
        <strong class="brand">{t.appName}</strong>
        <nav aria-label={t.appName} class="tabs">
          {tabs.map(([id, label, count]) => (
            <button
              type="button"
              key={id}
              aria-current={tab === id ? "page" : undefined}
              onClick={() => setTab(id)}
            >
              {label}
              {count > 0 && (
                <span class="badge" aria-label={`${count} ${t.unread}`}>
                  {count}
                </span>
              )}
            </button>
          ))}
        </nav>
        <span class="spacer" />
        <PrefsBar />
        <button type="button" onClick={() => login.set(null)}>
          {t.logout}
        </button>
      </header>
      {maintenance ? (
        <div role="alert" class="banner warn" data-testid="maintenance-banner">
          {t.maintenance}
        </div>
      ) : state === "reconnecting" ? (
        <div role="status" class="banner">
          {t.reconnecting}
        </div>
      ) : null}
      <KeyRestoreBanner client={client} />
      {showAnnouncement && (
        <div role="status" class="banner announcement">
          <strong>{latest.title}</strong> {latest.content}{" "}
          <button
            type="button"
            class="link"
            onClick={() => {
              localStorage.setItem("ourchat.dismissed", latest.id.toString());
              setDismissed(latest.id.toString());
            }}
          >
            {t.dismiss}
          </button>
        </div>
      )}
      <IncomingCalls client={client} />
      <CallScreen client={client} />
      <div class="screen">
        {tab === "chats" && <ChatScreen client={client} />}
        {tab === "friends" && <FriendsScreen client={client} onOpen={() => setTab("chats")} />}
        {tab === "groups" && <GroupsScreen client={client} onOpen={() => setTab("chats")} />}
        {tab === "profile" && <ProfileScreen client={client} />}
        {tab === "admin" && isAdmin && <AdminScreen client={client} />}
      </div>
    </div>
  );
}
