/** Preact hooks over the app's stores. */
import { useEffect, useState } from "preact/hooks";
import type { Strings } from "../i18n/strings";
import { LANGUAGES } from "../i18n/strings";
import type { Store } from "../state/store";
import { prefs } from "./prefs";

export function useStore<T>(store: Store<T>): T {
  const [value, setValue] = useState(store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}

/** The UI texts in the chosen language (re-renders on a switch). */
export function useStrings(): Strings {
  return LANGUAGES[useStore(prefs).language];
}
