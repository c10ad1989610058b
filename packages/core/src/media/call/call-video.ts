// RFC 3264 offer/answer of one VP8 video m-line (RFC 7741 §6, VP8/90000)
// beside a call's audio, run by a VideoSession (RFC 3550 at 90 kHz, key frame
// requests by RFC 4585 PLI) on the call's own video port pair.
//
// No SRTP for video yet: the video m-line is always plain RTP/AVP without
// a=crypto, also when the audio is keyed (srtp "offered"). With srtp
// "required" a call has no video at all: we offer none and answer a peer's
// video m-line with port 0 (RFC 3264 §6), because sending plain video beside
// audio the user required to be encrypted would undo that choice.
// Hold (RFC 3264 §8.4) gates the stream like the audio (call-video-transport.ts).
// A video leg (a browser page, call-video-leg.ts) may carry the pictures in
// place of the call's own source and sink (protocol.md D32).
import { flowOf, type MediaFlow } from "../../sdp/direction.js";
import type { Direction, MediaCapability, NegotiatedMedia } from "../../sdp/types.js";
import type { Clock } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import type { RtpStreamCounters } from "../call-stats.js";
import type { RtpEndpoint } from "../rtp/rtp-session-types.js";
import type { PortRange } from "../rtp/udp-pair.js";
import { VideoSession } from "../video/video-session.js";
import type { ReceivedVideoFrame, VideoFrameSink, VideoFrameSource } from "../video/video-source.js";
import { VideoLegRelay, type VideoCapableLeg, type VideoRelayCounters } from "./call-video-leg.js";
import { bindVideoPair, VideoCallTransport, type BindVideoPair } from "./call-video-transport.js";

export type { BindVideoPair, VideoPortPair } from "./call-video-transport.js";
export type { KeyframeVia, RelayedVideo, VideoCallSide, VideoCapableLeg, VideoLegPort, VideoRelayCounters } from "./call-video-leg.js";

type VideoCall = { callId: string };

export type CallVideoOptions = {
  /** What the call shows (e.g. an IvfVideoSource of a VP8 file); none: we only receive. */
  source?: (call: VideoCall) => VideoFrameSource | undefined;
  /** Where received frames go (e.g. an IvfVideoSink); none: we only send. Closed when the call closes. */
  sink?: (call: VideoCall) => VideoFrameSink | undefined;
  /** Ports for the video pair; default the call's audio range. */
  portRange?: PortRange;
  /** The dynamic PT we offer for VP8 (RFC 3551 §3: 96-127); default 96. */
  payloadType?: number;
  bind?: BindVideoPair;
  /**
   * DECISION(protocol.md D32): a video leg (a browser page) may bring the pictures: offer and
   * accept sendrecv even without a source or sink of our own. Default false.
   */
  legs?: boolean;
};

export type CallVideoEvents = {
  /** A VideoSession runs on a (new) negotiated video stream. */
  started: { codec: "VP8"; payloadType: number; remote: RtpEndpoint };
  /** The video stream went away (rejected in a re-offer, or the call closed). */
  stopped: Record<string, never>;
};

/** The capability sent in offers and answers (RFC 7741 §6.1: VP8/90000, no required fmtp). */
export function videoCapability(port: number, payloadType: number, direction: Direction): MediaCapability {
  return { kind: "video", port, codecs: [{ name: "VP8", clockRate: 90000, payloadType }], direction, srtp: "off" };
}

/** RFC 3264 §5.1: the direction we can do, given what the call wants (hold) and what we have. */
export function videoDirection(wanted: Direction, can: MediaFlow): Direction {
  const want = flowOf(wanted);
  const send = want.send && can.send;
  const recv = want.recv && can.recv;
  return send ? (recv ? "sendrecv" : "sendonly") : recv ? "recvonly" : "inactive";
}

/** The first video m-line, when it carries VP8 (the only video codec we run). */
export function vp8VideoOf(media: readonly NegotiatedMedia[]): NegotiatedMedia | undefined {
  const m = media.find((x) => x.kind === "video");
  if (!m || m.rejected || m.codec?.name.toUpperCase() !== "VP8") return undefined;
  return m;
}

/** A sink only the call closes: sessions replaced mid-call close theirs, which must not end the file. */
class CallVideoSink implements VideoFrameSink {
  constructor(private readonly inner: VideoFrameSink) {}
  write(frame: ReceivedVideoFrame): void {
    this.inner.write(frame);
  }
  close(): void {}
  finish(): void {
    this.inner.close();
  }
}

type Running = { session: VideoSession; identity: string; remote: string; payloadType: number; off: () => void };

/** The call's own source until a video leg has carried the video; from then on it has ended (D32). */
function ownSource(inner: VideoFrameSource, relay: VideoLegRelay): VideoFrameSource {
  return {
    codec: inner.codec,
    next: () => (relay.used ? undefined : inner.next()),
    keyframeRequested: () => inner.keyframeRequested(),
  };
}

/** One call's video: a port pair kept for the call, one VideoSession per negotiated stream. */
export class CallVideo {
  readonly events = new Emitter<CallVideoEvents>();
  private readonly source: VideoFrameSource | undefined;
  private readonly sink: CallVideoSink | undefined;
  private pair: Promise<VideoCallTransport> | undefined;
  private transport: VideoCallTransport | undefined;
  private running: Running | undefined;
  negotiated: NegotiatedMedia | undefined;
  flow: MediaFlow = { send: false, recv: false };
  private closed = false;
  /** Whether this call offers and accepts video (the daemon turns it on per call). */
  enabled = true;
  /** An offer or answer has been applied (a video m-line accepted or not). */
  private applied = false;
  private readonly relay: VideoLegRelay;

  constructor(
    call: VideoCall,
    private readonly options: CallVideoOptions & { clock: Clock; address: string; portRange: PortRange; rtcpIntervalMs: number },
  ) {
    this.relay = new VideoLegRelay(options.clock, () => this.sipStream(), () => this.transport?.lastSent);
    const own = options.source?.(call);
    this.source = own && ownSource(own, this.relay);
    const sink = options.sink?.(call);
    this.sink = sink && new CallVideoSink(sink);
  }

  private bound(): Promise<VideoCallTransport> {
    this.pair ??= (this.options.bind ?? bindVideoPair)(this.options.address, this.options.portRange).then((p) => {
      const t = new VideoCallTransport(p, () => this.flow);
      t.tap = (bytes) => this.relay.fromSip(bytes);
      if (this.closed) t.close();
      this.transport = t;
      return t;
    });
    return this.pair;
  }

  /** Our video m-line for an offer or an answer (binds the pair on first use); none while not enabled. */
  async capability(direction: Direction): Promise<MediaCapability | undefined> {
    if (!this.enabled) return undefined;
    const t = await this.bound();
    const legs = this.options.legs === true;
    const can = { send: legs || this.source !== undefined, recv: legs || this.sink !== undefined };
    return videoCapability(t.port, this.options.payloadType ?? 96, videoDirection(direction, can));
  }

  /** RFC 3264 §6/§7: runs what was agreed; a video m-line rejected or gone stops the stream. */
  async apply(media: readonly NegotiatedMedia[]): Promise<void> {
    const t = await this.bound();
    if (this.closed) return;
    const m = vp8VideoOf(media);
    this.negotiated = m;
    this.applied = true;
    if (!m) {
      this.setFlow({ send: false, recv: false });
      return this.stop();
    }
    const c = m.codec!;
    const identity = `${c.sendPayloadType}|${c.receivePayloadType}`;
    const remote = `${m.remoteAddress}:${m.remotePort}:${m.remoteRtcpPort}`;
    if (this.running?.remote !== remote) t.setRemote({ address: m.remoteAddress, port: m.remotePort }, { address: m.remoteAddress, port: m.remoteRtcpPort });
    // The flow first: a new session sends its first frame (a key frame) at once.
    this.setFlow(flowOf(m.direction));
    if (this.running?.identity !== identity) this.start(t, m, identity);
    this.running!.remote = remote;
  }

  private start(t: VideoCallTransport, m: NegotiatedMedia, identity: string): void {
    this.stop();
    const c = m.codec!;
    const session = new VideoSession({
      clock: this.options.clock,
      codec: "VP8",
      payloadType: c.sendPayloadType,
      transport: t.transport,
      rtcpIntervalMs: this.options.rtcpIntervalMs,
      ...(this.source && { source: this.source }),
      ...(this.sink && { sink: this.sink }),
      ...(m.localSsrc !== undefined && { ssrc: m.localSsrc }),
    });
    t.attach({ session, sendPayloadType: c.sendPayloadType, receivePayloadType: c.receivePayloadType });
    const off = session.events.on("keyframe-requested", ({ by }) => this.relay.sipKeyframeRequested(by));
    this.running = { session, identity, remote: "", payloadType: c.sendPayloadType, off };
    session.start();
    this.events.emit("started", { codec: "VP8", payloadType: c.sendPayloadType, remote: { address: m.remoteAddress, port: m.remotePort } });
  }

  private stop(): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    r.off();
    this.transport?.attach(undefined);
    r.session.close();
    this.events.emit("stopped", {});
  }

  private setFlow(flow: MediaFlow): void {
    // Sending again after a hold: the peer's decoder lost our stream, start it with a key frame.
    if (flow.send && !this.flow.send) {
      this.source?.keyframeRequested();
      this.relay.askLeg("pli");
    }
    this.flow = flow;
  }

  private sipStream(): { session: VideoSession; payloadType: number; sendRtp(bytes: Uint8Array): void } | undefined {
    const r = this.running;
    const t = this.transport;
    return r && t ? { session: r.session, payloadType: r.payloadType, sendRtp: (b) => t.transport.sendRtp(b) } : undefined;
  }

  /**
   * DECISION(protocol.md D32): whether a leg's video would be carried now: the call offers video
   * and, once negotiated, the SIP peer accepted a VP8 stream.
   */
  get acceptsLegVideo(): boolean {
    return this.enabled && !this.closed && (!this.applied || this.negotiated !== undefined);
  }

  /** Relays `leg`'s video (when it has any) to and from the SIP peer; false when it carries none. */
  attachLeg(leg: VideoCapableLeg): boolean {
    if (this.closed) return false;
    return this.relay.attach(leg);
  }

  /** The video leg's relay counters (packets each way, key frame requests passed across). */
  get relayCounters(): VideoRelayCounters {
    return { ...this.relay.counters };
  }

  get legAttached(): boolean {
    return this.relay.attached;
  }

  /** A video leg has carried this call's video (the own source has stopped for good). */
  get relayUsed(): boolean {
    return this.relay.used;
  }

  /** The running session (frame counters in `session.stats`). */
  get session(): VideoSession | undefined {
    return this.running?.session;
  }

  stats(): RtpStreamCounters | undefined {
    return this.running?.session.streamStats();
  }

  /** Stops the stream, releases the ports, closes the sink. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.relay.detach();
    this.stop();
    this.sink?.finish();
    const p = this.pair;
    if (p) (await p.catch(() => undefined))?.close();
  }
}
