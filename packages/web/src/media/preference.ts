// The settings toggle "audio in this browser / on the daemon", kept in
// localStorage. Default: this browser, when it can carry audio at all.
import type { KeyValueStorage } from "../state/drafts.js";
import type { AudioPlace } from "./media-leg.js";

const KEY = "cusax.audio";

export function loadPlace(storage: KeyValueStorage | undefined): AudioPlace {
  try {
    return storage?.getItem(KEY) === "daemon" ? "daemon" : "browser";
  } catch {
    return "browser"; // storage refused (private mode): the default
  }
}

export function savePlace(storage: KeyValueStorage | undefined, place: AudioPlace): void {
  try {
    storage?.setItem(KEY, place);
  } catch {
    // not kept across reloads, but in force for this page
  }
}
