// DECISION(protocol.md D27): one call's place for its audio leg. The SIP leg's
// RtpSession reads `source`, writes `sink` and runs `wrapCodec(codec)`, all
// made once per call; the leg behind them changes at run time (a browser tab
// attaches, is replaced by another, is closed). Without a leg the call plays
// its own source (the WAV file or silence); once a leg has been released the
// call sends silence: what was playing before the page is not resumed.
// DECISION(protocol.md D33): a call may have a home leg (the sound device):
// it is in the slot unless another leg (a page) took over, and comes back
// when that one is released. The slot's rate follows the call's own source
// until the SIP leg first reads; later sources are resampled to it.
import type { MediaFlow } from "../../sdp/index.js";
import { Emitter } from "../../util/events.js";
import type { AudioCodec } from "../codecs/codec.js";
import { Resampler } from "../resampler.js";
import { ResampledSource, SilenceSource, type MediaSink, type MediaSource } from "../source.js";
import type { CallLeg, PayloadRelay } from "./types.js";

export type LegSlotEvents = {
  attached: { kind: string };
  released: { kind: string; reason: string };
  /** A digit from the leg's user, for the SIP peer. */
  digit: { digit: string };
};

type Current = { leg: CallLeg; toCall?: Resampler; toLeg?: Resampler; off: () => void };

export class LegSlot {
  readonly events = new Emitter<LegSlotEvents>();
  private current: Current | undefined;
  private fallback: MediaSource;
  private flowNow: MediaFlow = { send: false, recv: false };
  private rate: number;
  private rateFixed = false;
  private home: (() => CallLeg) | undefined;
  private homeLeg: CallLeg | undefined;
  /** The SIP session's encoding (lower case), once one runs. */
  private codec: string | undefined;
  readonly source: MediaSource;
  readonly sink: MediaSink;

  constructor(own: MediaSource, ownSink: MediaSink | undefined) {
    this.fallback = own;
    this.rate = own.sampleRate;
    this.source = slotSource(this, () => this.rate, own.frameMs);
    this.sink = slotSink(this, ownSink);
  }

  get leg(): CallLeg | undefined {
    return this.current?.leg;
  }

  /** Puts `leg` in the slot; a leg already there is closed ("replaced"). */
  attach(leg: CallLeg): void {
    this.drop("replaced");
    const src = leg.source;
    const offs = [
      leg.events.on("ended", ({ reason }) => {
        if (this.current?.leg === leg) this.release(reason);
      }),
      leg.events.on("digit", (d) => this.events.emit("digit", d)),
    ];
    this.current = {
      leg, off: () => offs.forEach((f) => f()),
      ...(src && src.sampleRate !== this.source.sampleRate && { toCall: new Resampler(src.sampleRate, this.source.sampleRate) }),
      ...(leg.sink && leg.sink.sampleRate !== this.sink.sampleRate && { toLeg: new Resampler(this.sink.sampleRate, leg.sink.sampleRate) }),
    };
    leg.flow?.(this.flowNow);
    // Tell the leg at once whether it relays, before its first packet arrives.
    if (this.codec) this.relay(this.codec);
    this.events.emit("attached", { kind: leg.kind });
  }

  /** From now on the call's own source is silence (a call placed or answered for a page that has not attached yet). */
  silence(): void {
    this.setOwn(new SilenceSource(this.rate, this.source.frameMs));
  }

  /** The call's own source from now on (what plays without a leg); the slot's rate follows it until the first read. */
  setOwn(own: MediaSource): void {
    if (!this.rateFixed && own.sampleRate !== this.rate) {
      this.rate = own.sampleRate;
      const c = this.current;
      const src = c?.leg.source;
      if (c) c.toCall = src && src.sampleRate !== this.rate ? new Resampler(src.sampleRate, this.rate) : undefined;
    }
    this.fallback = own.sampleRate === this.rate ? own : new ResampledSource(own, this.rate);
  }

  /** The leg made by `make` sits in the slot whenever no other leg does (undefined: no home leg; a home leg in the slot is released). */
  setHome(make: (() => CallLeg) | undefined): void {
    this.home = make;
    if (!make && this.homeLeg && this.current?.leg === this.homeLeg) this.drop("released");
    if (make && !this.current) this.goHome();
  }

  /** The home leg, when one is set and in the slot. */
  get atHome(): boolean {
    return this.homeLeg !== undefined && this.current?.leg === this.homeLeg;
  }

  /** Closes the current leg, if any; the call goes on with silence, or with its home leg. */
  release(reason = "released"): void {
    const dropped = this.drop(reason);
    if (dropped && dropped !== this.homeLeg && reason !== "call-ended") this.goHome();
  }

  private goHome(): void {
    if (!this.home) return;
    const leg = this.home();
    this.homeLeg = leg;
    this.attach(leg);
  }

  private drop(reason: string): CallLeg | undefined {
    const c = this.current;
    if (!c) return undefined;
    this.current = undefined;
    c.off();
    this.fallback = new SilenceSource(this.rate, this.source.frameMs);
    c.leg.close(reason);
    this.events.emit("released", { kind: c.leg.kind, reason });
    return c.leg;
  }

  /** The relay for the SIP leg's codec, when the leg runs the same one (asked each time: the codec may change). */
  relay(codec: string): PayloadRelay | undefined {
    return this.current?.leg.relayFor?.(codec.toLowerCase());
  }

  /** The next frame towards the SIP peer (slot source). */
  read(): Int16Array | undefined {
    this.rateFixed = true;
    const c = this.current;
    if (!c) return this.fallback.read();
    const frame = c.leg.source?.read();
    if (!frame) return new Int16Array(Math.round((this.source.frameMs * this.rate) / 1000));
    return c.toCall ? c.toCall.process(frame) : frame;
  }

  /** A decoded frame from the SIP peer, for the leg (relayed calls skip it). */
  toLeg(frame: Int16Array): void {
    const c = this.current;
    if (!c?.leg.sink || (this.codec && this.relay(this.codec))) return;
    c.leg.sink.write(c.toLeg ? c.toLeg.process(frame) : frame);
  }

  /** The SIP peer's packet as it arrived: a relay passes it on at once. */
  packet(codec: string, p: { payload: Uint8Array; sequenceNumber: number; timestamp: number; marker: boolean }): void {
    this.relay(codec)?.forward(p);
  }

  dtmf(digit: string): void {
    this.current?.leg.dtmf?.(digit);
  }

  flow(flow: MediaFlow): void {
    this.flowNow = flow;
    this.current?.leg.flow?.(flow);
  }

  /** The SIP session's codec, relaying payloads while the leg runs the same encoding. */
  wrapCodec(inner: AudioCodec): AudioCodec {
    this.codec = inner.name.toLowerCase();
    this.relay(this.codec);
    return relayingCodec(this, inner);
  }

  close(): void {
    this.home = undefined;
    this.drop("call-ended");
  }
}

function slotSource(slot: LegSlot, rate: () => number, frameMs: number): MediaSource {
  return {
    get sampleRate() {
      return rate();
    },
    frameMs,
    read: () => slot.read(),
  };
}

function slotSink(slot: LegSlot, own: MediaSink | undefined): MediaSink {
  return {
    sampleRate: own?.sampleRate ?? 48000,
    write(frame) {
      own?.write(frame);
      slot.toLeg(frame);
    },
    close: () => own?.close(),
  };
}

/**
 * Encode: a relayed payload when one is due, else our encoder (silence keeps
 * the stream and its timestamps going). Decode: a relayed call was already
 * passed on from the packet (LegSlot.packet), so the playout path gets silence.
 */
function relayingCodec(slot: LegSlot, inner: AudioCodec): AudioCodec {
  const name = inner.name.toLowerCase();
  return {
    name: inner.name, clockRate: inner.clockRate, channels: inner.channels, payloadType: inner.payloadType,
    sampleRate: inner.sampleRate, frameMs: inner.frameMs, frameSamples: inner.frameSamples, timestampStep: inner.timestampStep,
    encode(pcm) {
      const relay = slot.relay(name);
      return relay?.take() ?? inner.encode(pcm);
    },
    decode(payload) {
      if (slot.relay(name)) return new Int16Array(inner.frameSamples);
      return inner.decode(payload);
    },
    close: () => inner.close?.(),
  };
}
