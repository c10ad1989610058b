// DECISION(protocol.md D32): VP8 relayed between a call's SIP video stream
// (RFC 7741 over RFC 3550, call-video.ts) and a video leg such as a browser
// page, without transcoding. Towards the SIP peer the leg's packets go out
// under the SIP session's SSRC with our own sequence numbers and 90 kHz
// timestamps (video/rtp-rewriter.ts) and PictureIDs kept consistent
// (video/vp8-picture-id.ts); the session's SR counts them. The SIP peer's
// packets reach the leg as they arrived (the leg renumbers them for its own
// stream). Key frame requests cross over: the SIP peer's PLI/FIR reach the
// leg, the leg's become a PLI/FIR (as the leg was asked) from our session.
// Each leg keeps its own RTCP: the session reports on the SIP leg.
import type { Clock } from "../../util/clock.js";
import type { Emitter } from "../../util/events.js";
import type { CallLegEvents } from "../leg/types.js";
import { parseRtp, serializeRtp, type RtpPacket } from "../rtp/rtp-packet.js";
import { RtpRewriter } from "../video/rtp-rewriter.js";
import { VIDEO_CLOCK_RATE, type VideoSession } from "../video/video-session.js";
import { PictureIdRewriter } from "../video/vp8-picture-id.js";

export type RelayedVideo = { payload: Uint8Array; sequenceNumber: number; timestamp: number; marker: boolean; ssrc: number };
export type KeyframeVia = "pli" | "fir";

/** What a video leg may do to the SIP side of its call. */
export interface VideoCallSide {
  /** A packet of the leg's picture (VP8), towards the SIP peer. */
  send(p: RelayedVideo): void;
  /** The leg's viewer lost its picture: ask the SIP peer for a key frame. */
  requestKeyframe(via: KeyframeVia): void;
}

/** A leg's video end, as the call drives it. */
export interface VideoLegPort {
  /** The call's SIP side, once attached; undefined when detached. */
  connect(call: VideoCallSide | undefined): void;
  /** A packet the SIP peer sent, at once. */
  forward(p: RelayedVideo): void;
  /** The SIP peer asked (PLI or FIR) for a key frame of the leg's picture. */
  keyframeRequested(by: KeyframeVia): void;
}

/** A call leg that may carry video: `video` is its port when it does. */
export type VideoCapableLeg = { readonly events: Emitter<CallLegEvents>; readonly video?: VideoLegPort | undefined };

/** The running SIP video stream the relay speaks through. */
export type SipVideoStream = { session: VideoSession; payloadType: number; sendRtp(bytes: Uint8Array): void };

export type VideoRelayCounters = {
  /** Packets from the leg sent to the SIP peer, and dropped (no SIP stream yet). */
  toSip: number;
  toSipDropped: number;
  /** Packets from the SIP peer passed to the leg. */
  toLeg: number;
  /** Key frame requests from the leg passed to the SIP peer, and the SIP peer's passed to the leg. */
  keyframeRequestsFromLeg: number;
  keyframeRequestsFromSip: number;
  /** Every request made of the leg: the SIP peer's, and ours when its picture starts or resumes on the SIP leg. */
  keyframeRequestsToLeg: number;
};

export class VideoLegRelay {
  readonly counters: VideoRelayCounters = { toSip: 0, toSipDropped: 0, toLeg: 0, keyframeRequestsFromLeg: 0, keyframeRequestsFromSip: 0, keyframeRequestsToLeg: 0 };
  private leg: { port: VideoLegPort; off: () => void } | undefined;
  private rewriter: RtpRewriter | undefined;
  private readonly pictures = new PictureIdRewriter();
  /** Once a leg has carried the video, the call's own video source stays stopped (D32). */
  used = false;

  constructor(
    private readonly clock: Clock,
    private readonly stream: () => SipVideoStream | undefined,
    /** The last RTP sequence number and timestamp the SIP stream sent, so relayed ones follow on. */
    private readonly lastSent: () => { sequenceNumber: number; timestamp: number } | undefined,
  ) {}

  get attached(): boolean {
    return this.leg !== undefined;
  }

  /** Puts the leg's video on the call (a leg there before is detached); it detaches when the leg ends. */
  attach(leg: VideoCapableLeg): boolean {
    const port = leg.video;
    if (!port) return false;
    this.detach();
    this.used = true;
    this.rewriter?.restart();
    const off = leg.events.on("ended", () => {
      if (this.leg?.port === port) this.detach();
    });
    this.leg = { port, off };
    port.connect({ send: (p) => this.toSip(p), requestKeyframe: (via) => this.fromLeg(via) });
    return true;
  }

  detach(): void {
    const l = this.leg;
    if (!l) return;
    this.leg = undefined;
    l.off();
    l.port.connect(undefined);
  }

  private toSip(p: RelayedVideo): void {
    const s = this.stream();
    if (!s || !this.leg) {
      this.counters.toSipDropped++;
      return;
    }
    this.rewriter ??= new RtpRewriter(this.clock, VIDEO_CLOCK_RATE, this.lastSent());
    const out = this.rewriter.map(p);
    const payload = this.pictures.rewrite(p.payload, out.restarted);
    // A new source on our SIP stream: the peer's decoder needs a key frame of it (RFC 5104 §4.3.1.1's case).
    if (out.restarted) this.askLeg("pli");
    const me = s.session.packetizer;
    const packet: RtpPacket = { marker: p.marker, payloadType: s.payloadType, sequenceNumber: out.sequenceNumber, timestamp: out.timestamp, ssrc: me.ssrc, csrc: [], payload, padding: 0 };
    // RFC 3550 §6.4.1: the session's SR counts what we relay under its SSRC.
    me.packetCount++;
    me.octetCount += payload.length;
    me.lastTimestamp = out.timestamp;
    this.counters.toSip++;
    s.sendRtp(serializeRtp(packet));
  }

  private fromLeg(via: KeyframeVia): void {
    this.counters.keyframeRequestsFromLeg++;
    this.stream()?.session.requestKeyframe(via);
  }

  /** A datagram the SIP session accepted (after hold gating and PT renumbering): to the leg. */
  fromSip(bytes: Uint8Array): void {
    const port = this.leg?.port;
    const s = this.stream();
    if (!port || !s) return;
    const parsed = parseRtp(bytes);
    // Only the source the session locked on (RFC 3550 §8.2), in the negotiated payload type.
    if (!parsed.ok || parsed.packet.payloadType !== s.payloadType || parsed.packet.ssrc !== s.session.remoteSsrc) return;
    const p = parsed.packet;
    this.counters.toLeg++;
    port.forward({ payload: p.payload, sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker, ssrc: p.ssrc });
  }

  /** The SIP peer's PLI/FIR about our stream: the leg's sender makes the key frame. */
  sipKeyframeRequested(by: KeyframeVia): void {
    if (!this.leg) return;
    this.counters.keyframeRequestsFromSip++;
    this.askLeg(by);
  }

  /** Asks the leg for a key frame (our SIP stream resumes after a hold, or starts its picture). */
  askLeg(by: KeyframeVia): void {
    if (!this.leg) return;
    this.counters.keyframeRequestsToLeg++;
    this.leg.port.keyframeRequested(by);
  }
}
