/** The app's one Api instance, carrying the current login's token. */
import { createApi } from "../api/transport";
import { login } from "./login";

export const api = createApi(() => login.get()?.token ?? null);
