/** Register and log in. */
import { useState } from "preact/hooks";
import { callError } from "../../api/errors";
import { errorText } from "../../i18n/strings";
import { generateKeyPair, savePrivateKey, savePublicKey } from "../../state/keys";
import { passwordStrength } from "../../state/strength";
import { api } from "../api";
import { useStrings } from "../hooks";
import { login, signedOutBecause } from "../login";
import { PrefsBar } from "../PrefsBar";

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuthScreen() {
  const t = useStrings();
  const [mode, setMode] = useState<"login" | "register">("login");
  const [account, setAccount] = useState("");
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(() => {
    const why = signedOutBecause.get();
    signedOutBecause.set(null);
    return why === null ? null : errorText(t, why);
  });
  const [unverified, setUnverified] = useState(false);
  const [backup, setBackup] = useState<{ pem: string; ocid: string; done: () => void } | null>(null);

  async function doLogin(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(t.login);
    try {
      const a = account.trim();
      const res = await api.auth.auth({
        account: a.includes("@") ? { case: "email", value: a } : { case: "ocid", value: a },
        password,
      });
      login.set({ token: res.token, userId: res.id, ocid: res.ocid });
    } catch (err) {
      const detail = callError(err).detail;
      setUnverified(detail === "Email Not Verified" && account.includes("@"));
      setError(errorText(t, detail));
    } finally {
      setBusy(null);
    }
  }

  async function sendVerification() {
    setError(null);
    setBusy(t.verifySending);
    try {
      for await (const _ of api.auth.verify({ email: account.trim() })) break;
      setUnverified(false);
      setBusy(null);
      setError(t.verifySent);
    } catch (err) {
      setBusy(null);
      setError(errorText(t, callError(err).detail));
    }
  }

  async function doRegister(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(t.creatingKeys);
    try {
      const keys = await generateKeyPair();
      setBusy(t.register);
      const res = await api.auth.register({
        email: email.trim(),
        name,
        password,
        publicKey: keys.publicKeyDer,
      });
      await savePrivateKey(res.id, keys.privateKey);
      await savePublicKey(res.id, keys.publicKeyDer);
      const done = () => login.set({ token: res.token, userId: res.id, ocid: res.ocid });
      setBackup({ pem: keys.privateKeyPem, ocid: res.ocid, done });
    } catch (err) {
      setError(errorText(t, callError(err).detail));
    } finally {
      setBusy(null);
    }
  }

  if (backup !== null) {
    return (
      <main class="auth">
        <PrefsBar />
        <section class="card" aria-labelledby="backup-title">
          <h1 id="backup-title">{t.appName}</h1>
          <p>
            {t.ocid}: <strong data-testid="my-ocid">{backup.ocid}</strong>
          </p>
          <p>{t.keyBackupHint}</p>
          <button
            type="button"
            onClick={() =>
              downloadBlob(
                `ourchat-${backup.ocid}-private-key.pem`,
                new Blob([backup.pem], { type: "application/x-pem-file" }),
              )
            }
          >
            {t.keyBackup}
          </button>
          <button type="button" class="primary" onClick={backup.done}>
            {t.continue}
          </button>
        </section>
      </main>
    );
  }

  const strength = passwordStrength(password, [name, email]);
  return (
    <main class="auth">
      <PrefsBar />
      <section class="card">
        <h1>{t.appName}</h1>
        {mode === "login" ? (
          <form onSubmit={doLogin} aria-label={t.login}>
            <label>
              {t.emailOrOcid}
              <input
                name="account"
                autocomplete="username"
                required
                value={account}
                onInput={(e) => setAccount(e.currentTarget.value)}
              />
            </label>
            <label>
              {t.password}
              <input
                type="password"
                name="password"
                autocomplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <button class="primary" type="submit" disabled={busy !== null}>
              {t.login}
            </button>
          </form>
        ) : (
          <form onSubmit={doRegister} aria-label={t.register}>
            <label>
              {t.email}
              <input
                type="email"
                name="email"
                autocomplete="email"
                required
                value={email}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
            </label>
            <label>
              {t.name}
              <input
                name="name"
                autocomplete="nickname"
                required
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
            <label>
              {t.password}
              <input
                type="password"
                name="new-password"
                autocomplete="new-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <div class="strength" data-score={strength}>
              <meter min={0} max={4} value={strength} aria-label={t.strength} />
              <span>
                {t.strength}: {t.strengthLevels[strength]}
              </span>
            </div>
            <button class="primary" type="submit" disabled={busy !== null}>
              {t.register}
            </button>
          </form>
        )}
        {busy !== null && <p role="status">{busy}</p>}
        {error !== null && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {unverified && (
          <button type="button" onClick={() => void sendVerification()}>
            {t.verifySend}
          </button>
        )}
        <button
          type="button"
          class="link"
          onClick={() => {
            setError(null);
            setMode(mode === "login" ? "register" : "login");
          }}
        >
          {mode === "login" ? t.noAccount : t.haveAccount}
        </button>
      </section>
    </main>
  );
}
