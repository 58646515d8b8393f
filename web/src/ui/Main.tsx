/** The logged-in app: header with the account and connection state. */
import { useStrings } from "./hooks";
import { login, type Login } from "./login";
import { PrefsBar } from "./PrefsBar";

export function Main({ login: me }: { login: Login }) {
  const t = useStrings();
  return (
    <div class="app">
      <header class="topbar">
        <strong>{t.appName}</strong>
        <span data-testid="my-ocid">{me.ocid}</span>
        <PrefsBar />
        <button type="button" onClick={() => login.set(null)}>
          {t.logout}
        </button>
      </header>
    </div>
  );
}
