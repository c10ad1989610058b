// RFC 3550 RTP/RTCP over UDP for one audio stream, with RFC 3711 SRTP when
// keyed, RFC 4733 events, symmetric RTP (RFC 4961: send to where the peer's
// packets come from), a jitter buffer and PLC on receive. Timers come from
// the injected clock: one send tick and one playout tick per frame.
import { randomBytes } from "node:crypto";
import type { TimerHandle } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import { RepeatFadePlc } from "../codecs/plc.js";
import { telephoneEventPackets, TelephoneEventReceiver, type TelephoneEventPacket } from "../dtmf/telephone-event.js";
import { JitterBuffer } from "../jitter-buffer.js";
import { Resampler } from "../resampler.js";
import { SrtpContext } from "../srtp/srtp-context.js";
import { parseRtcp, serializeRtcp } from "./rtcp-packet.js";
import { ntpFromUnixMs } from "./rtcp-report.js";
import { RtpPacketizer } from "./rtp-packetizer.js";
import { parseRtp, serializeRtp, type RtpPacket } from "./rtp-packet.js";
import { ReceiveStats, roundTripMs } from "./stats.js";
import { bindUdpPair } from "./udp-pair.js";
import type { DatagramSocket, RtpDropReason, RtpEndpoint, RtpSessionEvents, RtpSessionOptions } from "./rtp-session-types.js";
import { SsrcLock } from "./ssrc-lock.js";
import type { RtpStreamCounters } from "../call-stats.js";
import { classifyDatagram } from "../../net/demux.js";

export type { DatagramSocket, RtpDropReason, RtpEndpoint, RtpSessionEvents, RtpSessionOptions } from "./rtp-session-types.js";

export class RtpSession {
  readonly events = new Emitter<RtpSessionEvents>();
  readonly rejected: Record<RtpDropReason, number> = {};
  /** Frame ticks, those that ran more than `lateSendMs` after their slot, the worst delay, and frames the codec failed to encode. */
  readonly sendTiming = { ticks: 0, late: 0, worstMs: 0, encodeErrors: 0 };
  private readonly ssrcLock: SsrcLock;
  private bytesReceived = 0;
  readonly packetizer: RtpPacketizer;
  readonly jitterBuffer: JitterBuffer;
  private readonly plc: RepeatFadePlc;
  private readonly dtmfRx = new TelephoneEventReceiver();
  private readonly srtpOut: SrtpContext | undefined;
  private readonly srtpIn: SrtpContext | undefined;
  private readonly toCodec: Resampler | undefined;
  private readonly toSink: Resampler | undefined;
  private stats: ReceiveStats | undefined;
  private remote: { rtp?: RtpEndpoint; rtcp?: RtpEndpoint; latched: boolean };
  private timers: TimerHandle[] = [];
  private pendingDigits: TelephoneEventPacket[][] = [];
  private digitTimestamp = 0;
  private started = 0;
  private ticks = 0;
  private closed = false;
  lastRttMs: number | undefined;

  private constructor(
    private readonly options: RtpSessionOptions,
    private readonly rtpSocket: DatagramSocket,
    private readonly rtcpSocket: DatagramSocket,
    readonly localPort: number,
  ) {
    const c = options.codec;
    this.packetizer = new RtpPacketizer(options.ssrc ?? randomBytes(4).readUInt32BE(0));
    this.jitterBuffer = new JitterBuffer({ clock: options.clock, clockRate: c.clockRate, frameMs: c.frameMs });
    this.plc = new RepeatFadePlc(c.frameMs);
    this.ssrcLock = new SsrcLock(options.ssrcSwitchAfterMs);
    if (options.srtp) {
      this.srtpOut = new SrtpContext(options.srtp.local);
      this.srtpIn = new SrtpContext(options.srtp.remote);
    }
    if (options.source && options.source.sampleRate !== c.sampleRate) this.toCodec = new Resampler(options.source.sampleRate, c.sampleRate);
    if (options.sink && options.sink.sampleRate !== c.sampleRate) this.toSink = new Resampler(c.sampleRate, options.sink.sampleRate);
    this.remote = { ...options.remote, latched: false };
    rtpSocket.on("message", (msg, rinfo) => this.onRtp(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }));
    rtcpSocket.on("message", (msg) => this.onRtcp(new Uint8Array(msg)));
  }

  static async open(options: RtpSessionOptions): Promise<RtpSession> {
    const pair = await bindUdpPair(options.address ?? "127.0.0.1", options.portRange ?? { min: 30000, max: 30999 });
    return new RtpSession(options, pair.rtp, pair.rtcp, pair.port);
  }

  /** A session on sockets the caller made (or fakes, in unit tests). */
  static fromSockets(options: RtpSessionOptions, rtp: DatagramSocket, rtcp: DatagramSocket, localPort: number): RtpSession {
    return new RtpSession(options, rtp, rtcp, localPort);
  }

  get remoteRtp(): RtpEndpoint | undefined {
    return this.remote.rtp;
  }

  setRemote(rtp: RtpEndpoint, rtcp?: RtpEndpoint): void {
    this.remote = { rtp, rtcp: rtcp ?? { address: rtp.address, port: rtp.port + 1 }, latched: false };
    // A new offer/answer may bring a new source: accept its SSRC at once.
    this.ssrcLock.reset();
  }

  /** Starts the frame clock: each tick sends one frame and plays one out. */
  start(): void {
    this.started = this.options.clock.now();
    this.schedule();
    this.scheduleRtcp();
  }

  private schedule(): void {
    const frame = this.options.codec.frameMs;
    const due = this.started + (this.ticks + 1) * frame;
    this.timers[0] = this.options.clock.setTimeout(() => {
      if (this.closed) return;
      this.timeTick(due);
      this.ticks++;
      this.sendTick();
      this.playTick();
      this.schedule();
    }, due - this.options.clock.now());
  }

  private timeTick(due: number): void {
    const lateness = this.options.clock.now() - due;
    this.sendTiming.ticks++;
    if (lateness > (this.options.lateSendMs ?? 10)) this.sendTiming.late++;
    this.sendTiming.worstMs = Math.max(this.sendTiming.worstMs, lateness);
  }

  private scheduleRtcp(): void {
    const base = this.options.rtcpIntervalMs ?? 5000;
    // RFC 3550 §6.3.1: randomise the interval between 0.5 and 1.5 times.
    this.timers[1] = this.options.clock.setTimeout(() => {
      if (this.closed) return;
      this.sendRtcp();
      this.scheduleRtcp();
    }, base * (0.5 + Math.random()));
  }

  /** Queues an RFC 4733 digit; it replaces audio for its duration. */
  sendDigit(digit: string, durationMs = 100): void {
    if (!this.options.telephoneEvent) throw new Error("no telephone-event negotiated");
    this.pendingDigits.push(telephoneEventPackets(digit, { durationMs, clockRate: this.options.codec.clockRate, intervalMs: this.options.codec.frameMs }));
  }

  private sendTick(): void {
    const codec = this.options.codec;
    const digit = this.pendingDigits[0];
    if (digit && this.options.telephoneEvent) {
      const packet = digit.shift() as TelephoneEventPacket;
      if (packet.marker) this.digitTimestamp = this.packetizer.timestamp;
      // RFC 4733 §2.5.1.4: the three end packets go out together.
      const isEnd = ((packet.payload[1] as number) & 0x80) !== 0;
      for (const p of isEnd ? [packet, ...digit.splice(0)] : [packet])
        this.sendRtp(this.packetizer.next(this.options.telephoneEvent.sendPayloadType, p.payload, { marker: p.marker, timestamp: this.digitTimestamp }));
      if (digit.length === 0) this.pendingDigits.shift();
      this.options.source?.read();
    } else if (this.options.source) {
      const frame = this.options.source.read();
      if (frame) {
        const pcm = this.toCodec ? this.toCodec.process(frame) : frame;
        const payload = this.encode(pcm);
        if (payload) this.sendRtp(this.packetizer.next(this.options.sendPayloadType ?? codec.payloadType, payload, { marker: this.packetizer.packetCount === 0 }));
      }
    }
    this.packetizer.advance(codec.timestampStep);
  }

  private sendRtp(packet: RtpPacket): void {
    const to = this.remote.rtp;
    if (!to) return;
    let bytes = serializeRtp(packet);
    if (this.srtpOut) {
      const r = this.srtpOut.protectRtp(bytes);
      if (!r.ok) return this.reject(`srtp-${r.reason}`);
      bytes = r.packet;
    }
    this.rtpSocket.send(bytes, to.port, to.address);
  }

  private playTick(): void {
    const sink = this.options.sink;
    const codec = this.options.codec;
    const frame = this.jitterBuffer.pop();
    let pcm: Int16Array;
    const decoded = frame.kind === "audio" ? this.decode(frame.packet.payload) : undefined;
    if (decoded) {
      pcm = decoded;
      this.plc.onGoodFrame(pcm);
    } else if (frame.kind === "audio") pcm = this.plc.conceal(codec.frameSamples);
    else if (frame.kind === "conceal") pcm = this.plc.conceal(codec.frameSamples);
    else pcm = new Int16Array(codec.frameSamples);
    sink?.write(this.toSink ? this.toSink.process(pcm) : pcm);
  }

  /** A codec failure skips one frame (the timestamp still advances, as a loss would); it never stops the tick. */
  private encode(pcm: Int16Array): Uint8Array | undefined {
    try {
      return this.options.codec.encode(pcm);
    } catch {
      this.sendTiming.encodeErrors++;
      return undefined;
    }
  }

  /** Bad payloads from the network must not stop playout: count and conceal. */
  private decode(payload: Uint8Array): Int16Array | undefined {
    try {
      return this.options.codec.decode(payload);
    } catch {
      this.reject("decode");
      return undefined;
    }
  }

  private reject(reason: RtpDropReason): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.events.emit("rejected", { reason });
  }

  /** RFC 7983 §7: STUN and DTLS on a media port are not malformed RTP; count them by class. */
  private foreign(bytes: Uint8Array): boolean {
    const kind = classifyDatagram(bytes);
    if (kind !== "stun" && kind !== "dtls") return false;
    this.reject(kind);
    return true;
  }

  private onRtp(bytes: Uint8Array, from: RtpEndpoint): void {
    if (this.closed || this.foreign(bytes)) return;
    if (this.srtpIn) {
      const r = this.srtpIn.unprotectRtp(bytes);
      if (!r.ok) return this.reject(`srtp-${r.reason}`);
      bytes = r.packet;
    }
    const parsed = parseRtp(bytes);
    if (!parsed.ok) return this.reject(parsed.reason);
    const p = parsed.packet;
    const te = this.options.telephoneEvent;
    const audioPts = this.options.receivePayloadTypes ?? [this.options.sendPayloadType ?? this.options.codec.payloadType];
    if (p.payloadType !== te?.receivePayloadType && !audioPts.includes(p.payloadType)) return this.reject("payload-type");
    const verdict = this.ssrcLock.check(p.ssrc, this.options.clock.now());
    if (verdict === "unknown-ssrc") return this.reject("unknown-ssrc");
    this.latch(from);
    // A new source starts its own sequence space and statistics (RFC 3550 §8.2).
    if (this.stats?.ssrc !== p.ssrc) this.stats = new ReceiveStats(p.ssrc, this.options.codec.clockRate);
    this.bytesReceived += p.payload.length;
    this.stats.onPacket(p.sequenceNumber, p.timestamp, this.options.clock.now());
    if (p.payloadType === te?.receivePayloadType) {
      const digit = this.dtmfRx.onPacket(p.timestamp, p.payload);
      if (digit) this.events.emit("dtmf", digit);
      return;
    }
    this.jitterBuffer.push(p);
    this.events.emit("audio", { sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker, payload: p.payload });
  }

  /** Symmetric RTP: once an authentic packet arrives, answer to its source. */
  private latch(from: RtpEndpoint): void {
    // DEVIATION(RFC 4961): we latch once, to the first authentic source; a
    // later move of the peer needs a new offer/answer (setRemote).
    if (this.remote.latched) return;
    this.remote = { rtp: from, rtcp: this.remote.rtcp ?? { address: from.address, port: from.port + 1 }, latched: true };
    this.events.emit("latched", from);
  }

  private onRtcp(bytes: Uint8Array): void {
    if (this.closed || this.foreign(bytes)) return;
    if (this.srtpIn) {
      const r = this.srtpIn.unprotectRtcp(bytes);
      if (!r.ok) return this.reject(`srtcp-${r.reason}`);
      bytes = r.packet;
    }
    const parsed = parseRtcp(bytes);
    if (!parsed.ok) return this.reject(`rtcp-${parsed.reason}`);
    for (const p of parsed.packets) {
      // §6.4.1: LSR/DLSR are about the source we receive; an SR from any other is not.
      if (p.type === "sr" && p.ssrc === this.stats?.ssrc) this.stats.onSenderReport(p, this.options.clock.now());
      if (p.type === "bye") this.ssrcLock.onBye(p.ssrcs);
      const blocks = p.type === "sr" || p.type === "rr" ? p.reports : [];
      const mine = blocks.find((b) => b.ssrc === this.packetizer.ssrc);
      if (mine) this.lastRttMs = roundTripMs(mine, this.wallNow()) ?? this.lastRttMs;
    }
    this.events.emit("rtcp", { rttMs: this.lastRttMs });
  }

  /** RFC 3550 §6.4: an SR (we send) with a report block for the peer, plus SDES CNAME. */
  /** A compound SR + SDES; with `bye`, the RFC 3550 §6.6 BYE that ends our stream. */
  sendRtcp(options: { bye?: boolean } = {}): void {
    const to = this.remote.rtcp;
    if (!to) return;
    const reports = this.stats ? [this.stats.reportBlock(this.options.clock.now())] : [];
    const z = this.packetizer;
    let bytes = serializeRtcp([
      { type: "sr", ssrc: z.ssrc, ...ntpFromUnixMs(this.wallNow()), rtpTimestamp: z.lastTimestamp, packetCount: z.packetCount, octetCount: z.octetCount, reports },
      { type: "sdes", chunks: [{ ssrc: z.ssrc, items: [{ type: 1, text: `cusax-${z.ssrc.toString(16)}` }] }] },
      ...(options.bye ? [{ type: "bye" as const, ssrcs: [z.ssrc] }] : []),
    ]);
    if (this.srtpOut) {
      const r = this.srtpOut.protectRtcp(bytes);
      if (!r.ok) return this.reject(`srtcp-${r.reason}`);
      bytes = r.packet;
    }
    this.rtcpSocket.send(bytes, to.port, to.address);
  }

  private wallNow(): number {
    return (this.options.wallClock ?? Date.now)();
  }

  get received(): number {
    return this.stats?.received ?? 0;
  }

  get cumulativeLost(): number {
    return this.stats?.cumulativeLost ?? 0;
  }

  streamStats(): RtpStreamCounters {
    const c = this.options.codec;
    return {
      kind: "audio",
      codec: c.name,
      clockRate: c.clockRate,
      packetsSent: this.packetizer.packetCount,
      bytesSent: this.packetizer.octetCount,
      packetsReceived: this.received,
      bytesReceived: this.bytesReceived,
      expected: this.stats?.expected ?? 0,
      cumulativeLost: this.cumulativeLost,
      jitterMs: this.stats?.jitter.jitterMs ?? 0,
      ...(this.lastRttMs !== undefined && { rttMs: this.lastRttMs }),
      playoutDelayMs: this.jitterBuffer.targetDelayMs + c.frameMs,
      rejected: { ...this.rejected },
    };
  }

  close(): void {
    if (this.closed) return;
    // RFC 3550 §6.6: say goodbye, so the peer's statistics end with our stream.
    if (this.remote.rtcp) this.sendRtcp({ bye: true });
    this.closed = true;
    this.timers.forEach((t) => this.options.clock.clearTimeout(t));
    this.rtpSocket.close();
    this.rtcpSocket.close();
    this.options.sink?.close();
  }
}
