// RFC 3264 offer/answer driving RFC 3550 RTP (RFC 3711 SRTP keyed by RFC 4568
// SDES, RFC 4733 DTMF) for SIP calls: the production MediaHooks of sip/.
//
// SRTP decision ("offered", the default): we offer RTP/AVP with a=crypto
// (best-effort SRTP, the idea of the expired draft-ietf-avt-best-effort-srtp;
// baresip's mediaenc=srtp does the same). A peer without SRTP ignores the
// unknown attribute and answers plain RTP; one with SDES answers a=crypto and
// the call is keyed. RTP/SAVP would be refused (488) by plain phones, and
// RFC 5939 capability negotiation is understood by few. The price: an active
// attacker can strip a=crypto. "required" offers RTP/SAVP only and refuses
// every negotiation without keys: 488 to such an offer, and `failed` for such
// an answer (sip/ only logs a failed applyAnswer: the application hangs up).
// Hold (RFC 3264 §8.4) gates the source and the sink; the session lives on.
import type { CallMedia, MediaDirection, MediaHooks } from "../sip/index.js";
import { applyAnswer, createAnswer, createOffer, createSdpLocalState, flowOf, type LocalCapabilities, type MediaCapability, type MediaFlow, type NegotiatedMedia, type SdpLocalState } from "../sdp/index.js";
import { realClock, type Clock, type TimerHandle } from "../util/clock.js";
import { SipStatusError } from "../util/errors.js";
import { Emitter } from "../util/events.js";
import type { RtpStreamCounters } from "./call-stats.js";
import type { AudioCodec } from "./codecs/codec.js";
import type { ReceivedDigit } from "./dtmf/telephone-event.js";
import type { RtpEndpoint } from "./rtp/rtp-session-types.js";
import type { PortRange } from "./rtp/udp-pair.js";
import { SilenceSource, type MediaSink, type MediaSource } from "./source.js";
import { codecCapability, createCallCodec, DEFAULT_CALL_CODECS, telephoneEventCapabilities, type CallCodecName } from "./call/call-codecs.js";
import { bindCallTransport, type BindCallTransport, type CallRtpSession, type CallTransport } from "./call/call-transport.js";
import { bindIceCallTransport, withIce, type CallIceOptions } from "./call/call-ice.js";
import { GatedSink, GatedSource } from "./call/gates.js";
import { LegSlot } from "./leg/leg-slot.js";
import { applyChoice, callMediaSpecOf, type CallAudioChoice, type DeviceChoice } from "./call/call-choice.js";
import { CallVideo, type CallVideoOptions } from "./call/call-video.js";
import { audioOf, decideMedia, streamIdentity, type CallSrtpMode, type MediaFailure } from "./call/negotiation.js";

export { DEFAULT_CALL_CODECS, type CallCodecName } from "./call/call-codecs.js";
export { callFileName, callSinks, callSources, type CallSinkSpec, type CallSourceSpec } from "./call/call-io.js";
export type { BindCallTransport, CallRtpSession, CallTransport } from "./call/call-transport.js";
export type { CallSrtpMode, MediaFailure } from "./call/negotiation.js";
export { CallChoiceError, callMediaSpecOf, CALL_AUDIO_CHOICES, type CallAudioChoice, type CallMediaSpec, type DeviceChoice } from "./call/call-choice.js";
export { CallVideo, type BindVideoPair, type CallVideoEvents, type CallVideoOptions, type VideoPortPair } from "./call/call-video.js";

export type CallDescriptor = { callId: string; direction: "outgoing" | "incoming" };

export type CallMediaOptions = {
  /** In preference order; default opus, PCMU, PCMA. telephone-event is always added. */
  codecs?: CallCodecName[];
  /** Default "offered" (see the top of this file). */
  srtp?: CallSrtpMode;
  /** Our RTP address (c= line and bind); default 127.0.0.1. */
  address?: string;
  portRange?: PortRange;
  /** What the call plays (default: silence at 8 kHz). */
  source?: (call: CallDescriptor) => MediaSource;
  /** Where received audio goes (default: nowhere). Finalised when the call closes. */
  sink?: (call: CallDescriptor) => MediaSink | undefined;
  /** protocol.md D33: the audio of calls that choose none (default "wav": `source`). */
  audio?: CallAudioChoice;
  /** The sound device for calls choosing "device". */
  device?: DeviceChoice;
  clock?: Clock;
  /** How often each call emits `stats`; 0 turns it off. Default 5000 ms. */
  statsIntervalMs?: number;
  rtcpIntervalMs?: number;
  dtmfDurationMs?: number;
  /** Port binding (tests inject a fake); default binds real UDP sockets. */
  bind?: BindCallTransport;
  /** RFC 8445 ICE for the audio (call/call-ice.ts); without it, c=/m= and symmetric RTP only. */
  ice?: CallIceOptions;
  /** VP8 video beside the audio (call/call-video.ts: plain RTP; none when srtp is "required"). */
  video?: CallVideoOptions;
};

export type CallMediaEvents = {
  /** Media runs on a (new) negotiated stream. */
  started: { codec: string; srtp: boolean; remote: RtpEndpoint };
  /** What we send and play, after each offer/answer (hold: one of them false). */
  flow: MediaFlow;
  dtmf: ReceivedDigit;
  stats: RtpStreamCounters;
  /** An incoming packet was dropped (short, version, unknown-ssrc, srtp-auth, ...). */
  rejected: { reason: string };
  /** An answer we cannot run: media stops; the SIP side should end the call. */
  failed: { reason: MediaFailure };
  closed: Record<string, never>;
};

/** Thrown from answer()/applyAnswer(): the call layer answers 488 (RFC 3261 §13.3.1.3, §14.2). */
export class MediaNotAcceptable extends SipStatusError {
  constructor(readonly failure: MediaFailure) {
    super(488, "Not Acceptable Here");
  }
}

type Resolved = Required<Omit<CallMediaOptions, "sink" | "video" | "device" | "ice">> & Pick<CallMediaOptions, "sink" | "video" | "device" | "ice">;

/** One call's audio: SDP from sdp/, one RtpSession on a port pair kept for the call. */
export class AudioCallMedia implements CallMedia {
  readonly events = new Emitter<CallMediaEvents>();
  private readonly sdp: SdpLocalState = createSdpLocalState();
  private readonly source: GatedSource;
  private readonly sink: GatedSink | undefined;
  /** protocol.md D27: the call's audio leg (its own source and sink until a leg such as a browser attaches). */
  readonly legs: LegSlot;
  /** The call's video, when asked for (options.video) and allowed (srtp not "required"). */
  readonly video: CallVideo | undefined;
  private transport: Promise<CallTransport> | undefined;
  private lastOffer: string | undefined;
  private session: { rtp: CallRtpSession; codec: AudioCodec; identity: string; offs: (() => void)[] } | undefined;
  private statsTimer: TimerHandle | undefined;
  negotiated: NegotiatedMedia | undefined;
  flow: MediaFlow = { send: false, recv: false };
  closed = false;

  constructor(
    readonly call: CallDescriptor,
    private readonly options: Resolved,
  ) {
    this.legs = new LegSlot(options.source(call), options.sink?.(call));
    this.legs.events.on("digit", ({ digit }) => this.queueDtmf(digit));
    if (options.audio !== "wav") this.choose({ audio: options.audio });
    this.source = new GatedSource(this.legs.source, () => this.flow);
    this.sink = new GatedSink(this.legs.sink, () => this.flow);
    const { clock, address, rtcpIntervalMs, portRange, video } = options;
    this.video = video && options.srtp !== "required" ? new CallVideo(call, { clock, address, rtcpIntervalMs, ...video, portRange: video.portRange ?? portRange }) : undefined;
  }

  /** protocol.md D33: this call's audio (CallMediaSpec; `{}` keeps it). Throws CallChoiceError for a bad spec. */
  choose(spec: unknown): void {
    if (this.closed) return;
    applyChoice(this.legs, callMediaSpecOf(spec), { callId: this.call.callId, own: () => this.options.source(this.call), device: this.options.device });
  }

  private bound(): Promise<CallTransport> {
    this.transport ??= this.options.bind(this.options.address, this.options.portRange).then((t) => {
      if (this.closed) t.close();
      t.ice?.events.on("failed", ({ reason }) => this.events.emit("failed", { reason }));
      return t;
    });
    return this.transport;
  }

  private capabilities(port: number, direction: MediaDirection, video?: MediaCapability): LocalCapabilities {
    const codecs = this.options.codecs;
    const srtp = this.options.srtp === "required" ? "require" : this.options.srtp === "offered" ? "offer" : "off";
    return {
      address: this.options.address,
      media: [{ kind: "audio", port, codecs: codecs.map(codecCapability), telephoneEvents: telephoneEventCapabilities(codecs), direction, ptime: 20, srtp }, ...(video ? [video] : [])],
    };
  }

  /** RFC 3264 §5 (and §8 for re-offers: same o= session, version moves on change). */
  async offer(direction: MediaDirection): Promise<string> {
    const t = await this.bound();
    this.lastOffer = createOffer(withIce(this.capabilities(t.port, direction, await this.video?.capability(direction)), await t.ice?.local()), this.sdp);
    return this.lastOffer;
  }

  /** RFC 3264 §6; throws MediaNotAcceptable (488) and leaves a running session as it was. */
  async answer(offer: string, direction: MediaDirection): Promise<string> {
    const t = await this.bound();
    const a = createAnswer(offer, withIce(this.capabilities(t.port, direction, await this.video?.capability(direction)), await t.ice?.local()), this.sdp);
    const decision = decideMedia(audioOf(a.media), this.options.srtp);
    if (!decision.ok) {
      // sdp/ rejects the m-line (port 0) when SRTP is required and the offer has no a=crypto: say why.
      const keyless = this.options.srtp === "required" && !/^a=crypto:/m.test(offer);
      throw new MediaNotAcceptable(keyless ? "srtp-required" : decision.reason);
    }
    t.ice?.remote(offer, decision.media.index, false);
    this.run(t, decision.media);
    await this.video?.apply(a.media);
    return a.sdp;
  }

  /** RFC 3264 §7: the peer's answer to our last offer (also early media). */
  async applyAnswer(answer: string): Promise<void> {
    if (this.lastOffer === undefined || this.closed) return;
    const t = await this.bound();
    const negotiated = applyAnswer(this.lastOffer, answer);
    const decision = decideMedia(audioOf(negotiated), this.options.srtp);
    if (!decision.ok) {
      this.stopSession();
      this.events.emit("failed", { reason: decision.reason });
      throw new MediaNotAcceptable(decision.reason);
    }
    t.ice?.remote(answer, decision.media.index, true);
    this.run(t, decision.media);
    await this.video?.apply(negotiated);
  }

  private run(t: CallTransport, m: NegotiatedMedia): void {
    if (this.closed) return;
    const previous = this.negotiated;
    this.negotiated = m;
    const remote = { address: m.remoteAddress, port: m.remotePort };
    const identity = streamIdentity(m);
    if (this.session?.identity === identity) {
      if (previous?.remoteAddress !== m.remoteAddress || previous.remotePort !== m.remotePort || previous.remoteRtcpPort !== m.remoteRtcpPort)
        this.session.rtp.setRemote(remote, { address: m.remoteAddress, port: m.remoteRtcpPort });
    } else {
      this.startSession(t, m, identity, remote);
    }
    this.setFlow(flowOf(m.direction));
  }

  private startSession(t: CallTransport, m: NegotiatedMedia, identity: string, remote: RtpEndpoint): void {
    this.stopSession();
    const c = m.codec!;
    const codec = this.legs.wrapCodec(createCallCodec(c)!);
    const te = m.telephoneEvent;
    const rtp = t.openSession({
      clock: this.options.clock,
      codec,
      sendPayloadType: c.sendPayloadType,
      receivePayloadTypes: [...new Set([c.receivePayloadType, c.sendPayloadType])],
      ...(te && { telephoneEvent: { sendPayloadType: te.sendPayloadType, receivePayloadType: te.receivePayloadType } }),
      remote: { rtp: remote, rtcp: { address: m.remoteAddress, port: m.remoteRtcpPort } },
      ...(m.srtp && { srtp: { local: m.srtp.localKey, remote: m.srtp.remoteKey } }),
      source: this.source,
      ...(this.sink && { sink: this.sink }),
      ...(m.localSsrc !== undefined && { ssrc: m.localSsrc }),
      rtcpIntervalMs: this.options.rtcpIntervalMs,
    });
    const offs = [
      rtp.events.on("dtmf", (d) => (this.legs.dtmf(d.digit), this.events.emit("dtmf", d))),
      rtp.events.on("audio", (a) => this.flow.recv && this.legs.packet(c.name, a)),
      rtp.events.on("rejected", (r) => this.events.emit("rejected", r)),
    ];
    this.session = { rtp, codec, identity, offs };
    rtp.start();
    this.scheduleStats();
    this.events.emit("started", { codec: c.name, srtp: m.srtp !== undefined, remote });
  }

  private stopSession(): void {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    s.offs.forEach((off) => off());
    s.rtp.close();
    s.codec.close?.();
  }

  private setFlow(flow: MediaFlow): void {
    if (flow.send === this.flow.send && flow.recv === this.flow.recv) return;
    this.flow = flow;
    this.legs.flow(flow);
    this.events.emit("flow", flow);
  }

  private scheduleStats(): void {
    const every = this.options.statsIntervalMs;
    if (every <= 0 || this.statsTimer) return;
    this.statsTimer = this.options.clock.setTimeout(() => {
      this.statsTimer = undefined;
      if (this.closed) return;
      const stats = this.stats();
      if (stats) this.events.emit("stats", stats);
      this.scheduleStats();
    }, every);
  }

  /** The running stream's counters (RFC 3550 §6.4 figures and drops by reason). */
  stats(): RtpStreamCounters | undefined {
    return this.session?.rtp.streamStats();
  }

  /** Datagrams that reached our RTP port, including dropped ones. */
  async datagrams(): Promise<number> {
    return this.transport ? (await this.transport).datagrams : 0;
  }

  /** Our RTP port, once bound. */
  async localPort(): Promise<number> {
    return (await this.bound()).port;
  }

  /**
   * RFC 4733 §2.5: queues each digit (0-9, *, #, A-D) as a telephone-event.
   * False, sending nothing, when no telephone-event was agreed or we may not send.
   */
  queueDtmf(digits: string): boolean {
    const s = this.session;
    if (!s || !this.negotiated?.telephoneEvent || !this.flow.send || !/^[0-9*#A-D]+$/i.test(digits)) return false;
    for (const d of digits.toUpperCase()) s.rtp.sendDigit(d, this.options.dtmfDurationMs);
    return true;
  }

  /** CallMedia's hook (SipCall.sendDtmf); see queueDtmf for the outcome. */
  sendDtmf(digits: string): void {
    this.queueDtmf(digits);
  }

  /** Stops sending, releases the ports, finalises the sink. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.options.clock.clearTimeout(this.statsTimer);
    this.stopSession();
    this.legs.close();
    this.sink?.finish();
    await this.video?.close();
    const t = this.transport;
    if (t) (await t.catch(() => undefined))?.close();
    this.events.emit("closed", {});
  }
}

/** Assignable to sip/'s MediaHooks (SipUserAgentOptions.mediaHooks). */
export type CallMediaHooks = {
  /** Each call's media, as it is created. */
  readonly events: Emitter<{ call: AudioCallMedia }>;
  create(call: CallDescriptor): AudioCallMedia;
};

export function createMediaHooks(options: CallMediaOptions = {}): CallMediaHooks {
  const resolved: Resolved = {
    codecs: options.codecs ?? DEFAULT_CALL_CODECS,
    srtp: options.srtp ?? "offered",
    address: options.address ?? "127.0.0.1",
    portRange: options.portRange ?? { min: 30000, max: 30999 },
    source: options.source ?? (() => new SilenceSource(8000)),
    sink: options.sink,
    audio: options.audio ?? "wav",
    device: options.device,
    video: options.video,
    clock: options.clock ?? realClock,
    statsIntervalMs: options.statsIntervalMs ?? 5000,
    rtcpIntervalMs: options.rtcpIntervalMs ?? 5000,
    dtmfDurationMs: options.dtmfDurationMs ?? 100,
    ice: options.ice,
    bind: options.bind ?? (options.ice ? bindIceCallTransport(options.ice) : bindCallTransport),
  };
  const events = new Emitter<{ call: AudioCallMedia }>();
  const hooks = {
    events,
    create(call: CallDescriptor): AudioCallMedia {
      const media = new AudioCallMedia(call, resolved);
      events.emit("call", media);
      return media;
    },
  } satisfies CallMediaHooks & MediaHooks;
  return hooks;
}
