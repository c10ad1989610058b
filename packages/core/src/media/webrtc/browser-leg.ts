// The browser leg (protocol.md D27, D28): one page's WebRTC audio bridged to
// the SIP call. With Opus on the SIP leg the payloads are relayed both ways
// without decoding (RFC 7587 on both legs; our own sequence numbers,
// timestamps and SSRC towards the page, the SIP session's towards the peer;
// each leg keeps its own RTCP). With G.711 we transcode: Opus decoded at
// 48 kHz through our jitter buffer, resampled by the call to 8 kHz, and back.
// RFC 4733 digits from the page (RTCDTMFSender or the "cusax" data channel)
// go to the SIP peer; the peer's digits go to the page on that channel.
// VP8 video, when the call carries it, is relayed by browser-video.ts (D32).
import type { MediaStreamTrack, RTCDataChannel, RtpPacket } from "werift";
import { realClock, type Clock, type TimerHandle } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import type { AudioCodec } from "../codecs/codec.js";
import { createOpusCodec } from "../codecs/opus.js";
import { TelephoneEventReceiver } from "../dtmf/telephone-event.js";
import { JitterBuffer } from "../jitter-buffer.js";
import type { MediaSink, MediaSource } from "../source.js";
import type { CallLeg, CallLegEvents, PayloadRelay } from "../leg/types.js";
import { answerBrowserOffer, type BrowserPeer, type BrowserPeerOptions } from "./peer.js";
import { BrowserVideo } from "./browser-video.js";
import { RtpWriter } from "./rtp-writer.js";

export type BrowserLegOptions = BrowserPeerOptions & {
  clock?: Clock;
  /** DECISION(protocol.md D28): no RTP from the page for this long ends the leg (default 6000 ms). */
  silentAfterMs?: number;
  /** How long ICE and DTLS may take to connect (default 30 s). */
  connectTimeoutMs?: number;
};

export type BrowserLegEvents = CallLegEvents & { connected: Record<string, never> };

const FRAME = 960; // 20 ms at 48 kHz
/** DECISION(protocol.md D27): relayed payloads waiting for the SIP leg's tick; more means we fell behind: drop the oldest. */
const RELAY_DEPTH = 2;

/** Mean and worst of a delay, in ms. */
export class WaitStats {
  count = 0;
  totalMs = 0;
  worstMs = 0;
  add(ms: number): void {
    this.count++;
    this.totalMs += ms;
    this.worstMs = Math.max(this.worstMs, ms);
  }
  get meanMs(): number {
    return this.count ? this.totalMs / this.count : 0;
  }
}

export class BrowserLeg implements CallLeg {
  readonly kind = "browser";
  readonly events = new Emitter<BrowserLegEvents>();
  readonly source: MediaSource = { sampleRate: 48000, frameMs: 20, read: () => this.readFrame() };
  readonly sink: MediaSink = { sampleRate: 48000, write: (f) => this.writeFrame(f), close: () => undefined };
  /** What the relay adds towards the SIP peer: from the page's packet arriving to its SIP send tick. */
  readonly relayWait = new WaitStats();
  /** Packets taken in and sent, by path (for stats and tests). */
  readonly counters = { fromPage: 0, toPage: 0, relayedToSip: 0, relayDropped: 0, digitsFromPage: 0, otherPt: 0 };
  private peer: BrowserPeer | undefined;
  private readonly writer = new RtpWriter((p) => this.peer?.out.writeRtp(p));
  private readonly decoder: AudioCodec = createOpusCodec({ sampleRate: 48000 });
  private readonly encoder: AudioCodec = createOpusCodec({ sampleRate: 48000 });
  private readonly jitter: JitterBuffer;
  private readonly digitsIn = new TelephoneEventReceiver();
  private readonly relayQueue: { payload: Uint8Array; at: number }[] = [];
  private relaying = false;
  private channel: RTCDataChannel | undefined;
  /** protocol.md D32: the page's video, when its offer had video and the call carries it (CallVideo.attachLeg). */
  video: BrowserVideo | undefined;
  private lastRtpAt: number;
  private watchdog: TimerHandle | undefined;
  private readonly clock: Clock;
  connected = false;
  closed = false;
  /** Why the leg ended, once it has. */
  endReason: string | undefined;

  private readonly relay: PayloadRelay = {
    codec: "opus",
    take: () => {
      const next = this.relayQueue.shift();
      if (next) this.relayWait.add(this.clock.now() - next.at);
      return next?.payload;
    },
    forward: (p) => {
      if (!this.connected) return;
      this.counters.toPage++;
      this.writer.relay(p, FRAME);
    },
  };

  private constructor(private readonly options: BrowserLegOptions) {
    this.clock = options.clock ?? realClock;
    this.jitter = new JitterBuffer({ clock: this.clock, clockRate: 48000, frameMs: 20, minDelayMs: 20, initialDelayMs: 40 });
    this.lastRtpAt = this.clock.now();
  }

  /** Answers the page's offer (full ICE gathering); the leg is ready to attach. */
  static async answer(offer: string, options: BrowserLegOptions = {}): Promise<{ leg: BrowserLeg; answer: string }> {
    const leg = new BrowserLeg(options);
    try {
      leg.peer = await answerBrowserOffer(offer, options, (track) => leg.onTrack(track));
      const v = leg.peer.video;
      if (v) {
        leg.video = new BrowserVideo(v.transceiver, v.out, leg.clock);
        leg.video.watch(leg.peer.pc);
        for (const track of leg.pendingVideo.splice(0)) leg.video.onTrack(track);
      }
    } catch (err) {
      leg.close("offer-failed");
      throw err;
    }
    leg.watch();
    return { leg, answer: leg.peer.answer };
  }

  /** Video tracks announced while the offer is applied, before the video relay exists. */
  private readonly pendingVideo: MediaStreamTrack[] = [];

  private onTrack(track: MediaStreamTrack): void {
    if (track.kind === "video") {
      if (this.video) this.video.onTrack(track);
      else this.pendingVideo.push(track);
      return;
    }
    if (track.kind !== "audio") return;
    track.onReceiveRtp.subscribe((rtp) => this.onRtp(rtp));
  }

  private watch(): void {
    const pc = this.peer!.pc;
    pc.connectionStateChange.subscribe((state) => {
      if (state === "connected") this.markConnected();
      if (state === "failed" || state === "closed") this.close(`page-${state}`);
    });
    pc.onDataChannel.subscribe((ch) => this.onChannel(ch));
    const connectBy = this.clock.now() + (this.options.connectTimeoutMs ?? 30_000);
    const tick = (): void => {
      if (this.closed) return;
      const now = this.clock.now();
      if (!this.connected && now > connectBy) return this.close("connect-timeout");
      if (this.connected && now - this.lastRtpAt > (this.options.silentAfterMs ?? 6000)) return this.close("page-silent");
      this.watchdog = this.clock.setTimeout(tick, 500);
    };
    this.watchdog = this.clock.setTimeout(tick, 500);
  }

  /** ICE and DTLS are up (werift says so, or SRTP from the page decrypted). */
  private markConnected(): void {
    if (this.connected) return;
    this.connected = true;
    if (this.video) this.video.connected = true;
    this.lastRtpAt = this.clock.now();
    this.events.emit("connected", {});
  }

  /** werift's states, for diagnostics. */
  get state(): string {
    const pc = this.peer?.pc;
    return pc ? `${pc.connectionState}/${pc.iceConnectionState}${this.endReason ? ` ended: ${this.endReason}` : ""}` : "none";
  }

  private onChannel(ch: RTCDataChannel): void {
    if (ch.label !== "cusax") return;
    this.channel = ch;
    ch.onMessage.subscribe((data: string | Buffer) => {
      // Bad input from the page is ignored, never thrown.
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      const digit = (msg as { dtmf?: unknown }).dtmf;
      if (typeof digit === "string" && /^[0-9*#A-D]$/i.test(digit)) this.pageDigit(digit.toUpperCase());
    });
  }

  private pageDigit(digit: string): void {
    this.counters.digitsFromPage++;
    this.events.emit("digit", { digit });
  }

  /** The page's PTs: Opus, and telephone-event at each rate it offered (Chromium: 48 and 8 kHz). */
  private payloadTypes(): { opus: number[]; events: number[] } {
    const codecs = this.peer?.audio.codecs ?? [];
    const pts = (mime: string) => codecs.filter((c) => c.mimeType.toLowerCase() === mime).map((c) => c.payloadType);
    return { opus: pts("audio/opus"), events: pts("audio/telephone-event") };
  }

  private onRtp(rtp: RtpPacket): void {
    if (this.closed) return;
    const { header, payload } = rtp;
    this.markConnected();
    this.lastRtpAt = this.clock.now();
    this.counters.fromPage++;
    const pts = this.payloadTypes();
    if (pts.events.includes(header.payloadType)) {
      const d = this.digitsIn.onPacket(header.timestamp, new Uint8Array(payload));
      if (d) this.pageDigit(d.digit);
      return;
    }
    if (!pts.opus.includes(header.payloadType)) {
      this.counters.otherPt++;
      return;
    }
    const bytes = new Uint8Array(payload);
    if (this.relaying) {
      this.relayQueue.push({ payload: bytes, at: this.clock.now() });
      this.counters.relayedToSip++;
      while (this.relayQueue.length > RELAY_DEPTH) {
        this.relayQueue.shift();
        this.counters.relayDropped++;
      }
    } else {
      this.jitter.push({ sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, payload: bytes, marker: header.marker });
    }
  }

  relayFor(codec: string): PayloadRelay | undefined {
    const relay = codec === "opus";
    if (relay !== this.relaying) {
      this.relaying = relay;
      this.relayQueue.length = 0;
    }
    return relay ? this.relay : undefined;
  }

  /** Transcoding: the page's next 20 ms, decoded (silence while relaying or missing). */
  private readFrame(): Int16Array {
    if (this.relaying) return new Int16Array(FRAME);
    const f = this.jitter.pop();
    if (f.kind !== "audio") return new Int16Array(FRAME);
    try {
      const pcm = this.decoder.decode(f.packet.payload);
      if (pcm.length === FRAME) return pcm;
      const out = new Int16Array(FRAME);
      out.set(pcm.subarray(0, FRAME));
      return out;
    } catch {
      return new Int16Array(FRAME);
    }
  }

  /** Transcoding: the SIP peer's decoded 20 ms, encoded to Opus for the page. */
  private writeFrame(pcm: Int16Array): void {
    if (this.relaying || !this.connected || this.closed || pcm.length !== FRAME) return;
    this.counters.toPage++;
    this.writer.own(this.encoder.encode(pcm), FRAME);
  }

  /** The SIP peer's digit, to the page's data channel when it opened one. */
  dtmf(digit: string): void {
    if (this.channel?.readyState === "open") this.channel.send(JSON.stringify({ dtmf: digit }));
  }

  close(reason = "released"): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    if (this.video) this.video.connected = false;
    this.clock.clearTimeout(this.watchdog);
    void this.peer?.pc.close().catch(() => undefined);
    this.decoder.close?.();
    this.encoder.close?.();
    this.events.emit("ended", { reason });
  }
}
