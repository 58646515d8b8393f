/** The logged-in account, kept in localStorage so a reload stays logged in. */
import { Store } from "../state/store";

export interface Login {
  token: string;
  userId: bigint;
  ocid: string;
}

const KEY = "ourchat.login";

function load(): Login | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return null;
    const v = JSON.parse(raw) as { token: string; userId: string; ocid: string };
    return { token: v.token, userId: BigInt(v.userId), ocid: v.ocid };
  } catch {
    return null;
  }
}

export const login = new Store<Login | null>(load());

/** Why the server ended the last login (its error detail, e.g. "User Banned"), shown on the login form. */
export const signedOutBecause = new Store<string | null>(null);

login.subscribe((l) => {
  if (l === null) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, JSON.stringify({ token: l.token, userId: l.userId.toString(), ocid: l.ocid }));
});

// Another tab logged in or out.
addEventListener("storage", (e) => {
  if (e.key === KEY) login.set(load());
});
