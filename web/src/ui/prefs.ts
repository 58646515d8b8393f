/** Language and theme: from the browser at first, then the user's choice (kept in localStorage). */
import { LANGUAGES, pickLanguage, type Language, type Strings } from "../i18n/strings";
import { Store } from "../state/store";

export type Theme = "light" | "dark";

export interface Prefs {
  language: Language;
  theme: Theme;
}

function initialTheme(): Theme {
  const saved = localStorage.getItem("ourchat.theme");
  if (saved === "light" || saved === "dark") return saved;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export const prefs = new Store<Prefs>({
  language: pickLanguage(localStorage.getItem("ourchat.language"), navigator.languages ?? []),
  theme: initialTheme(),
});

function apply(p: Prefs): void {
  document.documentElement.lang = p.language === "zh" ? "zh-CN" : "en";
  document.documentElement.dataset.theme = p.theme;
}
apply(prefs.get());
prefs.subscribe((p) => {
  localStorage.setItem("ourchat.language", p.language);
  localStorage.setItem("ourchat.theme", p.theme);
  apply(p);
});

export function strings(): Strings {
  return LANGUAGES[prefs.get().language];
}
