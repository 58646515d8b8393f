/** Language and theme switches. */
import { useStore, useStrings } from "./hooks";
import { prefs } from "./prefs";

export function PrefsBar() {
  const t = useStrings();
  const p = useStore(prefs);
  return (
    <div class="prefs">
      <label>
        <span class="sr-only">{t.language}</span>
        <select
          aria-label={t.language}
          value={p.language}
          onChange={(e) => prefs.update((v) => ({ ...v, language: e.currentTarget.value as "en" | "zh" }))}
        >
          <option value="en">English</option>
          <option value="zh">中文</option>
        </select>
      </label>
      <button
        type="button"
        aria-label={`${t.theme}: ${p.theme === "dark" ? t.themeDark : t.themeLight}`}
        onClick={() => prefs.update((v) => ({ ...v, theme: v.theme === "dark" ? "light" : "dark" }))}
      >
        {p.theme === "dark" ? "☾" : "☀"}
      </button>
    </div>
  );
}
