/** The root: the auth screen, or the chat app of the logged-in account. */
import { useStore } from "./hooks";
import { login } from "./login";
import { AuthScreen } from "./auth/AuthScreen";
import { Main } from "./Main";

export function App() {
  const l = useStore(login);
  return l === null ? <AuthScreen /> : <Main key={l.userId.toString()} login={l} />;
}
