// DECISION(protocol.md D33): what one call's audio is, chosen per call: its
// WAV file (or the configured one, or silence), a browser page's leg
// (silence until the page attaches), or the sound device (a home leg the
// page may take over and give back). The spec travels with the call: on
// SipUserAgent.call()/answer() as `mediaSpec`, into AudioCallMedia.choose().
import { DeviceLeg, type DeviceLegOptions } from "../device/device-leg.js";
import { DEVICE_RATE, type SoundDeviceSpec } from "../device/tools.js";
import type { LegSlot } from "../leg/leg-slot.js";
import { SilenceSource, WavSource, type MediaSource } from "../source.js";

export type CallAudioChoice = "wav" | "browser" | "device";
export const CALL_AUDIO_CHOICES: readonly CallAudioChoice[] = ["wav", "browser", "device"];

/** One call's media choice; `{}` keeps what the call has (an answer without a choice). */
export type CallMediaSpec = {
  /** Default: "wav" when `play` is given, else unchanged. */
  audio?: CallAudioChoice;
  /** A 16-bit PCM WAV file played (looped) on a "wav" call. */
  play?: string;
};

/** The sound device calls may use, and what to do with each device leg made (log its warnings). */
export type DeviceChoice = { spec: SoundDeviceSpec; options?: DeviceLegOptions; onLeg?: (leg: DeviceLeg, callId: string) => void };

export class CallChoiceError extends Error {
  readonly kind = "media-choice" as const;
  constructor(message: string) {
    super(message);
    this.name = "CallChoiceError";
  }
}

/** Checks a spec that crossed a layer as `unknown` (sip/ carries it without reading it). */
export function callMediaSpecOf(value: unknown): CallMediaSpec {
  if (value === undefined) return {};
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new CallChoiceError("media spec: expected an object { audio?, play? }");
  const { audio, play } = value as Record<string, unknown>;
  if (audio !== undefined && !CALL_AUDIO_CHOICES.includes(audio as CallAudioChoice)) throw new CallChoiceError(`audio: expected "wav", "browser" or "device", got ${JSON.stringify(audio)}`);
  if (play !== undefined && typeof play !== "string") throw new CallChoiceError("play: expected a file path");
  return { ...(audio !== undefined && { audio: audio as CallAudioChoice }), ...(play !== undefined && { play }) };
}

export type ChoiceContext = { callId: string; own: () => MediaSource; device: DeviceChoice | undefined };

/** Puts the chosen source and leg into the call's slot. Throws CallChoiceError for "device" without a device. */
export function applyChoice(slot: LegSlot, spec: CallMediaSpec, ctx: ChoiceContext): void {
  const audio = spec.audio ?? (spec.play !== undefined ? "wav" : undefined);
  if (audio === undefined) return;
  if (audio === "device") {
    const device = ctx.device;
    if (!device) throw new CallChoiceError('audio "device": no sound device is configured (media.device)');
    slot.setOwn(new SilenceSource(DEVICE_RATE));
    slot.setHome(() => {
      const leg = new DeviceLeg(device.spec, device.options);
      device.onLeg?.(leg, ctx.callId);
      return leg;
    });
    // An explicit choice wins over a page that attached while the call rang.
    if (!slot.atHome) slot.release("replaced");
    return;
  }
  slot.setHome(undefined);
  if (audio === "browser") slot.setOwn(new SilenceSource(DEVICE_RATE));
  else slot.setOwn(spec.play !== undefined ? new WavSource(spec.play, { loop: true }) : ctx.own());
}
