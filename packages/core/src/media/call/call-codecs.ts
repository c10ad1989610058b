// RFC 3551 §6 (static PTs 0 and 8), RFC 7587 §7 (opus/48000/2) and RFC 4733
// §7 (telephone-event): what a call offers for a list of codec names, and the
// AudioCodec an RtpSession needs for what was negotiated.
import type { CodecCapability, NegotiatedCodec, TelephoneEventCapability } from "../../sdp/types.js";
import type { AudioCodec } from "../codecs/codec.js";
import { createPcmaCodec, createPcmuCodec } from "../codecs/g711.js";
import { createOpusCodec } from "../codecs/opus.js";

export type CallCodecName = "opus" | "PCMU" | "PCMA";

export const DEFAULT_CALL_CODECS: CallCodecName[] = ["opus", "PCMU", "PCMA"];

/** Our dynamic PTs: opus 111, telephone-event 101 (8 kHz) and 102 (48 kHz). */
const OPUS_PT = 111;
const EVENT_PT_8K = 101;
const EVENT_PT_48K = 102;

export function codecCapability(name: CallCodecName): CodecCapability {
  switch (name) {
    case "opus":
      // RFC 7587 §6.1: we send mono and prefer mono back; FEC is welcome.
      return { name: "opus", clockRate: 48000, channels: 2, payloadType: OPUS_PT, fmtp: "useinbandfec=1;stereo=0;sprop-stereo=0" };
    case "PCMU":
      return { name: "PCMU", clockRate: 8000, payloadType: 0 };
    case "PCMA":
      return { name: "PCMA", clockRate: 8000, payloadType: 8 };
  }
}

/**
 * RFC 4733 §2.1: telephone-event at the clock rate of the audio codec, so one
 * per rate of our codecs; and always at 8 kHz, which many phones (baresip 1.0
 * among them) offer and accept with Opus too.
 */
export function telephoneEventCapabilities(names: readonly CallCodecName[]): TelephoneEventCapability[] {
  const rates = new Set(names.map((n) => codecCapability(n).clockRate));
  const out: TelephoneEventCapability[] = [];
  if (rates.has(48000)) out.push({ payloadType: EVENT_PT_48K, clockRate: 48000, events: "0-16" });
  out.push({ payloadType: EVENT_PT_8K, clockRate: 8000, events: "0-16" });
  return out;
}

/** The AudioCodec for a negotiated codec; undefined for one we cannot run. */
export function createCallCodec(codec: NegotiatedCodec): AudioCodec | undefined {
  switch (codec.name.toLowerCase()) {
    case "pcmu":
      return createPcmuCodec();
    case "pcma":
      return createPcmaCodec();
    case "opus":
      // PCM at 48 kHz: sources and sinks at other rates are resampled by the session.
      return createOpusCodec({ sampleRate: 48000, payloadType: codec.receivePayloadType });
    default:
      return undefined;
  }
}
