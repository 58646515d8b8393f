/** Hooks of the call screens. */
import { CALL_LANGUAGES, type CallStrings } from "../../i18n/call";
import { useStore } from "../hooks";
import { prefs } from "../prefs";

/** The call texts in the chosen language. */
export function useCallStrings(): CallStrings {
  return CALL_LANGUAGES[useStore(prefs).language];
}
