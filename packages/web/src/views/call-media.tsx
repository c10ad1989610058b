// The call bar's media part (docs/api.md "Browser voice"): where the call's
// audio is (this page, another tab, the daemon), "continue here" / "take
// back", "click to enable sound" when the browser refused to play by itself,
// mute and camera buttons, and the videos of a video call.
import type { JSX } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { CallEntry } from "../state/calls.js";
import type { LegView, MediaLeg } from "../media/media-leg.js";
import { Icon } from "./icons.js";

type Props = { e: CallEntry; media: MediaLeg; act(f: () => Promise<unknown>): () => void; onTakeOver(): Promise<unknown> };

const WHERE: Record<LegView["phase"], string> = {
  none: "Audio is not in this tab",
  starting: "Connecting audio…",
  live: "Audio in this browser",
  lost: "Audio connection lost",
  elsewhere: "Continued in another tab",
  daemon: "Audio on the daemon",
};

/** Mute and camera, among the call bar's buttons. */
export function MediaButtons(p: Props): JSX.Element {
  const v = p.media.view(p.e.call.id);
  const id = p.e.call.id;
  const live = v?.phase === "live";
  const muted = v?.muted ?? false;
  const why = live ? undefined : v?.phase === "daemon" ? "The audio plays on the daemon: nothing to mute here" : "Mute works while the audio is in this tab";
  return (
    <>
      <button type="button" class="icon-button" disabled={!live} aria-pressed={muted} aria-label={muted ? "Unmute" : "Mute"} title={why ?? (muted ? "Unmute" : "Mute")}
        onClick={() => p.media.setMuted(id, !muted)}><Icon name={muted ? "mic" : "micOn"} /></button>
      {v?.video && (
        <button type="button" class="icon-button" disabled={!live} aria-pressed={v.camera} aria-label={v.camera ? "Camera off" : "Camera on"} title={v.camera ? "Stop sending video" : "Send my camera"}
          onClick={p.act(() => p.media.setCamera(id, !v.camera))}><Icon name={v.camera ? "camera" : "cameraOff"} /></button>
      )}
    </>
  );
}

/** The line under the buttons: where the audio is, and what the user can do about it. */
export function MediaLine(p: Props): JSX.Element | null {
  const v = p.media.view(p.e.call.id);
  const phase = v?.phase ?? "none";
  const up = p.e.call.state === "established";
  const canTake = p.media.supported && up && (phase === "none" || phase === "lost" || phase === "elsewhere" || phase === "daemon");
  if (!v && !up) return null;
  return (
    <div class="media-line" data-media={phase} role="status">
      <span class="media-where"><Icon name="speaker" /> {WHERE[phase]}{v?.note && phase !== "elsewhere" ? ` — ${v.note}` : ""}</span>
      {v?.soundBlocked && <button type="button" class="button small primary" onClick={p.act(() => p.media.enableSound(p.e.call.id))}>Click to enable sound</button>}
      {canTake && <button type="button" class="button small" onClick={p.act(p.onTakeOver)}>{phase === "elsewhere" ? "Take back" : "Continue here"}</button>}
      {v?.video && <Videos v={v} />}
    </div>
  );
}

function StreamVideo({ stream, label, mirror }: { stream: MediaStream | undefined; label: string; mirror?: boolean }): JSX.Element {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== (stream ?? null)) ref.current.srcObject = stream ?? null;
  }, [stream]);
  return <video ref={ref} class={`call-video ${mirror ? "mirror" : ""}`} aria-label={label} autoplay playsInline muted />;
}

function Videos({ v }: { v: LegView }): JSX.Element {
  return (
    <div class="videos">
      <StreamVideo stream={v.remote} label="Their video" />
      {v.localVideo && <StreamVideo stream={v.localVideo} label="My camera" mirror />}
    </div>
  );
}
