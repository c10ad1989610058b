// Settings: where a call's audio plays (docs/api.md "Browser voice"): in this
// browser (microphone and speaker here, the default when the browser can)
// or on the daemon (its WAV files, as the command line does). Kept in
// localStorage (media/preference.ts).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { AudioPlace, MediaLeg } from "../media/media-leg.js";
import { Dialog } from "./dialog.js";

export function SettingsDialog(p: { onClose(): void; media: MediaLeg }): JSX.Element {
  const [place, setPlace] = useState<AudioPlace>(p.media.place());
  const choose = (v: AudioPlace) => {
    setPlace(v);
    p.media.setPlace(v);
  };
  return (
    <Dialog title="Settings" onClose={p.onClose} class="settings">
      <fieldset class="choice" aria-label="Call audio">
        <legend>Call audio</legend>
        <label class="check">
          <input type="radio" name="audio-place" value="browser" checked={place === "browser"} disabled={!p.media.supported} onChange={() => choose("browser")} />
          Audio in this browser <span class="hint">(this computer's microphone and speaker)</span>
        </label>
        <label class="check">
          <input type="radio" name="audio-place" value="daemon" checked={place === "daemon"} onChange={() => choose("daemon")} />
          Audio on the daemon <span class="hint">(its WAV files, as from the command line)</span>
        </label>
        {!p.media.supported && <p class="hint">This browser has no microphone access or WebRTC here, so calls play on the daemon.</p>}
      </fieldset>
      <p class="hint">Calls already up keep their audio where it is; "Continue here" in the call bar moves one into this page.</p>
    </Dialog>
  );
}
