/** A round avatar: the user's or session's picture, or initials. */
import type { ChatClient } from "./controller";
import { useStore } from "./hooks";

export function Avatar({
  client,
  userId,
  sessionId,
  label,
}: {
  client: ChatClient;
  userId?: bigint;
  sessionId?: bigint;
  label: string;
}) {
  const users = useStore(client.users);
  const sessions = useStore(client.sessions);
  const files = useStore(client.files);
  const key =
    userId !== undefined
      ? (users.get(userId)?.avatarKey ?? "")
      : sessionId !== undefined
        ? (sessions.get(sessionId)?.avatarKey ?? "")
        : "";
  if (key !== "") client.fetchFile(key);
  const url = key !== "" ? files.get(key) : undefined;
  const initials = label.replace(/^#/, "").slice(0, 2).toUpperCase();
  return url ? (
    <img class="avatar" src={url} alt="" />
  ) : (
    <span class="avatar" aria-hidden="true">
      {initials}
    </span>
  );
}
