// One video RTP stream (RFC 3550) at the 90 kHz clock (RFC 3551 §5) without
// transcoding: VP8 (RFC 7741) or H.264 packetization-mode 1 (RFC 6184).
// Sends a source's frames paced by their durations through the injected
// clock; reassembles received frames for a sink; asks for a key frame with
// RTCP PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1) at start and after a
// lost frame; honours the peer's PLI/FIR through the source's hook.
// I/O is an injected transport (see video-udp.ts for UDP).
import { randomBytes } from "node:crypto";
import type { Clock, TimerHandle } from "../../util/clock.js";
import { Emitter } from "../../util/events.js";
import type { RtpStreamCounters } from "../call-stats.js";
import { parseRtcp, serializeRtcp, type RtcpPacket } from "../rtp/rtcp-packet.js";
import { parseRtp, serializeRtp } from "../rtp/rtp-packet.js";
import { RtpPacketizer } from "../rtp/rtp-packetizer.js";
import { SsrcLock } from "../rtp/ssrc-lock.js";
import { ntpFromUnixMs } from "../rtp/rtcp-report.js";
import { ReceiveStats, roundTripMs } from "../rtp/stats.js";
import { FrameAssembler, type AssemblerOutput } from "./frame-assembler.js";
import { depacketizeH264, isH264KeyframePacket, packetizeH264 } from "./h264-payload.js";
import type { VideoCodecName, VideoFrameSink, VideoFrameSource } from "./video-source.js";
import { depacketizeVp8, isVp8FrameStart, isVp8KeyframePacket, packetizeVp8 } from "./vp8-payload.js";

export const VIDEO_CLOCK_RATE = 90000;

export type VideoTransport = { sendRtp(bytes: Uint8Array): void; sendRtcp(bytes: Uint8Array): void };

export type VideoSessionOptions = {
  clock: Clock;
  codec: VideoCodecName;
  payloadType: number;
  transport: VideoTransport;
  ssrc?: number;
  /** Largest RTP payload (default 1200: fits a 1500-byte MTU with IP/UDP/RTP/SRTP overhead). */
  maxPayloadSize?: number;
  source?: VideoFrameSource;
  sink?: VideoFrameSink;
  /** How we ask for a key frame: PLI (RFC 4585) by default, or FIR (RFC 5104). */
  keyframeRequest?: "pli" | "fir";
  /** Least time between two key frame requests we send. */
  keyframeRequestIntervalMs?: number;
  reorderWindow?: number;
  /** Mean interval of SR/RR reports (RFC 3550 §6.2, randomised per §6.3.1); 0 = none. Default 5000. */
  rtcpIntervalMs?: number;
  /** Wall clock for SR NTP timestamps and RTT (Unix ms); default Date.now. */
  wallClock?: () => number;
};

export type VideoSessionEvents = {
  frame: { rtpTimestamp: number; keyframe: boolean; size: number };
  "frame-lost": { fromSeq: number; toSeq: number };
  "keyframe-requested": { by: "pli" | "fir" };
  "keyframe-request-sent": { via: "pli" | "fir" };
  rejected: { reason: string };
  ended: Record<string, never>;
};

export type VideoSessionStats = {
  framesSent: number;
  framesReceived: number;
  framesLost: number;
  /** Delta frames not passed on while waiting for a key frame. */
  framesDropped: number;
  keyframeRequestsSent: number;
  keyframeRequestsReceived: number;
};

export class VideoSession {
  readonly events = new Emitter<VideoSessionEvents>();
  readonly rejected: Record<string, number> = {};
  readonly stats: VideoSessionStats = { framesSent: 0, framesReceived: 0, framesLost: 0, framesDropped: 0, keyframeRequestsSent: 0, keyframeRequestsReceived: 0 };
  readonly packetizer: RtpPacketizer;
  private assembler: FrameAssembler;
  private readonly ssrcLock = new SsrcLock();
  private receive: ReceiveStats | undefined;
  private bytesReceived = 0;
  private timer: TimerHandle | undefined;
  private rtcpTimer: TimerHandle | undefined;
  lastRttMs: number | undefined;
  private started = 0;
  private elapsedMs = 0;
  private pictureId = randomBytes(2).readUInt16BE(0) & 0x7fff;
  private waitingForKeyframe = true;
  private lastRequestAt: number | undefined;
  private firSequence = 0;
  private lastFirSeen: number | undefined;
  private closed = false;

  constructor(private readonly options: VideoSessionOptions) {
    this.packetizer = new RtpPacketizer(options.ssrc ?? randomBytes(4).readUInt32BE(0));
    this.assembler = this.newAssembler();
  }

  private newAssembler(): FrameAssembler {
    return new FrameAssembler({ ...(this.options.codec === "VP8" && { isFrameStart: isVp8FrameStart }), reorderWindow: this.options.reorderWindow ?? 8 });
  }

  get remoteSsrc(): number | undefined {
    return this.receive?.ssrc;
  }

  /** Starts sending the source's frames, one every frame duration, and the RTCP reports. */
  start(): void {
    this.started = this.options.clock.now();
    this.elapsedMs = 0;
    this.sendNext();
    if (this.rtcpTimer === undefined) this.scheduleRtcp();
  }

  private scheduleRtcp(): void {
    const base = this.options.rtcpIntervalMs ?? 5000;
    if (base <= 0 || this.closed) return;
    // RFC 3550 §6.3.1: randomise the interval between 0.5 and 1.5 times.
    this.rtcpTimer = this.options.clock.setTimeout(() => {
      this.sendReport();
      this.scheduleRtcp();
    }, base * (0.5 + Math.random()));
  }

  /** RFC 3550 §6.4: SR once we have sent (RR before), a block about the remote stream, SDES CNAME. */
  private report(now: number): RtcpPacket[] {
    const me = this.packetizer;
    const reports = this.receive ? [this.receive.reportBlock(now)] : [];
    const head: RtcpPacket =
      me.packetCount > 0
        ? { type: "sr", ssrc: me.ssrc, ...ntpFromUnixMs(this.wallNow()), rtpTimestamp: me.lastTimestamp, packetCount: me.packetCount, octetCount: me.octetCount, reports }
        : { type: "rr", ssrc: me.ssrc, reports };
    return [head, { type: "sdes", chunks: [{ ssrc: me.ssrc, items: [{ type: 1, text: `cusax-${me.ssrc.toString(16)}` }] }] }];
  }

  sendReport(): void {
    if (!this.closed) this.options.transport.sendRtcp(serializeRtcp(this.report(this.options.clock.now())));
  }

  private wallNow(): number {
    return (this.options.wallClock ?? Date.now)();
  }

  private sendNext(): void {
    if (this.closed || !this.options.source) return;
    const frame = this.options.source.next();
    if (!frame) return this.events.emit("ended", {});
    this.sendFrame(frame.data);
    this.packetizer.advance(Math.round((frame.durationMs * VIDEO_CLOCK_RATE) / 1000));
    this.elapsedMs += frame.durationMs;
    const due = this.started + this.elapsedMs;
    this.timer = this.options.clock.setTimeout(() => this.sendNext(), due - this.options.clock.now());
  }

  private sendFrame(data: Uint8Array): void {
    const max = this.options.maxPayloadSize ?? 1200;
    const payloads = this.options.codec === "VP8" ? packetizeVp8(data, { maxPayloadSize: max, pictureId: this.pictureId }) : packetizeH264(data, max);
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    payloads.forEach((payload, i) => {
      // RFC 7741 §4.1 / RFC 6184 §5.1: the marker ends the frame (access unit).
      const packet = this.packetizer.next(this.options.payloadType, payload, { marker: i === payloads.length - 1 });
      this.options.transport.sendRtp(serializeRtp(packet));
    });
    this.stats.framesSent++;
  }

  private reject(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    this.events.emit("rejected", { reason });
  }

  /** Feeds one received RTP datagram (already SRTP-unprotected when keyed). */
  receiveRtp(bytes: Uint8Array): void {
    if (this.closed) return;
    const parsed = parseRtp(bytes);
    if (!parsed.ok) return this.reject(parsed.reason);
    const p = parsed.packet;
    if (p.payloadType !== this.options.payloadType) return this.reject("payload-type");
    // RFC 3550 §8.2: one source per session; a change only after BYE or silence (ssrc-lock.ts).
    if (this.ssrcLock.check(p.ssrc, this.options.clock.now()) === "unknown-ssrc") return this.reject("unknown-ssrc");
    if (this.receive?.ssrc !== p.ssrc) {
      // A new source: new sequence space, and no picture until its key frame.
      this.receive = new ReceiveStats(p.ssrc, VIDEO_CLOCK_RATE);
      this.assembler = this.newAssembler();
      this.waitingForKeyframe = true;
      // At start we have no picture until a key frame comes: ask at once,
      // unless this very packet begins one.
      const key = this.options.codec === "VP8" ? isVp8KeyframePacket(p.payload) : isH264KeyframePacket(p.payload);
      if (!key) this.requestKeyframe();
    }
    this.receive.onPacket(p.sequenceNumber, p.timestamp, this.options.clock.now());
    this.bytesReceived += p.payload.length;
    this.handle(this.assembler.push(p));
  }

  private handle(outputs: AssemblerOutput[]): void {
    for (const o of outputs) {
      if (o.kind === "loss") {
        this.lost(o.fromSeq, o.toSeq);
        continue;
      }
      const r = this.options.codec === "VP8" ? depacketizeVp8(o.payloads) : depacketizeH264(o.payloads);
      if (!r.ok) {
        this.reject(`frame-${r.reason}`);
        this.lost(o.firstSeq, o.lastSeq);
        continue;
      }
      const data = "frame" in r ? r.frame : r.annexB;
      if (r.keyframe) this.waitingForKeyframe = false;
      if (this.waitingForKeyframe) {
        // Undecodable without the reference we lost: drop it and keep asking.
        this.stats.framesDropped++;
        this.requestKeyframe();
        continue;
      }
      this.stats.framesReceived++;
      this.options.sink?.write({ data, keyframe: r.keyframe, rtpTimestamp: o.timestamp });
      this.events.emit("frame", { rtpTimestamp: o.timestamp, keyframe: r.keyframe, size: data.length });
    }
  }

  private lost(fromSeq: number, toSeq: number): void {
    this.stats.framesLost++;
    this.waitingForKeyframe = true;
    this.events.emit("frame-lost", { fromSeq, toSeq });
    this.requestKeyframe();
  }

  /** Sends PLI or FIR (default: as configured) for the remote stream, at most once per interval. */
  requestKeyframe(via: "pli" | "fir" = this.options.keyframeRequest ?? "pli"): void {
    const ssrc = this.receive?.ssrc;
    if (ssrc === undefined || this.closed) return;
    const now = this.options.clock.now();
    if (this.lastRequestAt !== undefined && now - this.lastRequestAt < (this.options.keyframeRequestIntervalMs ?? 250)) return;
    this.lastRequestAt = now;
    const me = this.packetizer.ssrc;
    // RFC 5104 §4.3.1.2: a new request takes the next FIR sequence number.
    const request: RtcpPacket =
      via === "pli" ? { type: "pli", senderSsrc: me, mediaSsrc: ssrc } : { type: "fir", senderSsrc: me, entries: [{ ssrc, sequence: this.firSequence++ & 0xff }] };
    // RFC 4585 §3.1 / RFC 3550 §6.1: a compound packet starts with a report and carries a CNAME.
    const bytes = serializeRtcp([...this.report(now), request]);
    this.stats.keyframeRequestsSent++;
    this.options.transport.sendRtcp(bytes);
    this.events.emit("keyframe-request-sent", { via });
  }

  /** Feeds one received RTCP datagram: PLI/FIR about our stream reach the source. */
  receiveRtcp(bytes: Uint8Array): void {
    if (this.closed) return;
    const parsed = parseRtcp(bytes);
    if (!parsed.ok) return this.reject(`rtcp-${parsed.reason}`);
    const me = this.packetizer.ssrc;
    for (const p of parsed.packets) {
      if (p.type === "bye") this.ssrcLock.onBye(p.ssrcs);
      if (p.type === "sr" && p.ssrc === this.receive?.ssrc) this.receive.onSenderReport(p, this.options.clock.now());
      const mine = p.type === "sr" || p.type === "rr" ? p.reports.find((b) => b.ssrc === me) : undefined;
      if (mine) this.lastRttMs = roundTripMs(mine, this.wallNow()) ?? this.lastRttMs;
      if (p.type === "pli" && p.mediaSsrc === me) this.keyframeWanted("pli");
      if (p.type !== "fir") continue;
      const entry = p.entries.find((e) => e.ssrc === me);
      // RFC 5104 §4.3.1.2: a repeated sequence number is a retransmission, not a new request.
      if (!entry || entry.sequence === this.lastFirSeen) continue;
      this.lastFirSeen = entry.sequence;
      this.keyframeWanted("fir");
    }
  }

  private keyframeWanted(by: "pli" | "fir"): void {
    this.stats.keyframeRequestsReceived++;
    this.options.source?.keyframeRequested();
    this.events.emit("keyframe-requested", { by });
  }

  streamStats(): RtpStreamCounters {
    return {
      kind: "video",
      codec: this.options.codec,
      clockRate: VIDEO_CLOCK_RATE,
      packetsSent: this.packetizer.packetCount,
      bytesSent: this.packetizer.octetCount,
      packetsReceived: this.receive?.received ?? 0,
      bytesReceived: this.bytesReceived,
      expected: this.receive?.expected ?? 0,
      cumulativeLost: this.receive?.cumulativeLost ?? 0,
      jitterMs: this.receive?.jitter.jitterMs ?? 0,
      ...(this.lastRttMs !== undefined && { rttMs: this.lastRttMs }),
      rejected: { ...this.rejected },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handle(this.assembler.flush());
    this.options.clock.clearTimeout(this.timer);
    this.options.clock.clearTimeout(this.rtcpTimer);
    this.options.sink?.close();
  }
}
