// The page's side of a call's VP8 relay (protocol.md D32, RFC 7741): the
// page's camera packets go to the call's SIP side as they arrive; the SIP
// peer's packets go to the page under our own numbering (werift puts its
// SSRC and the negotiated PT on them) with PictureIDs kept consistent.
// Key frames: the page's PLI (RFC 4585 §6.3.1) or FIR (RFC 5104 §4.3.1)
// about our stream goes to the SIP side; the SIP peer's request becomes a
// PLI to the page through werift. NACK on this leg is werift's: it
// retransmits from its cache on the page's NACK and NACKs the page's losses.
import { RtpHeader, RtpPacket, type MediaStreamTrack, type RtcpPacket, type RTCPeerConnection, type RTCRtpTransceiver } from "werift";
import type { Clock } from "../../util/clock.js";
import type { KeyframeVia, RelayedVideo, VideoCallSide, VideoLegPort } from "../call/call-video-leg.js";
import { RtpRewriter } from "../video/rtp-rewriter.js";
import { VIDEO_CLOCK_RATE } from "../video/video-session.js";
import { PictureIdRewriter } from "../video/vp8-picture-id.js";

/** RTCP payload-specific feedback (RFC 4585 §6.1: PT 206) with FMT 1 (PLI) or 4 (FIR). */
const PSFB = 206;
const PLI = 1;
const FIR = 4;

export type BrowserVideoCounters = { fromPage: number; toPage: number; keyframeRequestsFromPage: number; keyframeRequestsToPage: number };

export class BrowserVideo implements VideoLegPort {
  readonly counters: BrowserVideoCounters = { fromPage: 0, toPage: 0, keyframeRequestsFromPage: 0, keyframeRequestsToPage: 0 };
  private call: VideoCallSide | undefined;
  private readonly rewriter: RtpRewriter;
  private readonly pictures = new PictureIdRewriter();
  private pageSsrc: number | undefined;
  connected = false;

  constructor(
    private readonly transceiver: RTCRtpTransceiver,
    private readonly out: MediaStreamTrack,
    clock: Clock,
  ) {
    this.rewriter = new RtpRewriter(clock, VIDEO_CLOCK_RATE);
  }

  /** Listens to the page's RTCP on every transceiver: werift routes PSFB by the sender's SSRC, which may be the audio one. */
  watch(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      t.sender.onRtcp.subscribe((p) => this.onRtcp(p));
      t.receiver.onRtcp.subscribe((p) => this.onRtcp(p));
    }
  }

  /** The page's video track (werift's onTrack). */
  onTrack(track: MediaStreamTrack): void {
    track.onReceiveRtp.subscribe((rtp) => this.fromPage(rtp));
  }

  private vp8PayloadTypes(): number[] {
    return this.transceiver.codecs.filter((c) => c.mimeType.toLowerCase() === "video/vp8").map((c) => c.payloadType);
  }

  private fromPage(rtp: RtpPacket): void {
    const { header, payload } = rtp;
    if (!this.vp8PayloadTypes().includes(header.payloadType)) return;
    this.pageSsrc = header.ssrc;
    this.counters.fromPage++;
    this.call?.send({ payload: new Uint8Array(payload), sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.marker, ssrc: header.ssrc });
  }

  private onRtcp(p: RtcpPacket): void {
    if (p.type !== PSFB) return;
    const fb = (p as { feedback?: { count?: number; mediaSsrc?: number; fir?: { ssrc: number }[] } }).feedback;
    const mine = this.transceiver.sender.ssrc;
    if (fb?.count === PLI && fb.mediaSsrc === mine) this.pageAsks("pli");
    if (fb?.count === FIR && fb.fir?.some((e) => e.ssrc === mine)) this.pageAsks("fir");
  }

  private pageAsks(via: KeyframeVia): void {
    this.counters.keyframeRequestsFromPage++;
    this.call?.requestKeyframe(via);
  }

  connect(call: VideoCallSide | undefined): void {
    this.call = call;
    // Whatever the page shows next comes from another source: renumber it as one.
    this.rewriter.restart();
  }

  forward(p: RelayedVideo): void {
    if (!this.connected) return;
    const out = this.rewriter.map(p);
    const payload = this.pictures.rewrite(p.payload, out.restarted);
    this.counters.toPage++;
    const header = new RtpHeader({ sequenceNumber: out.sequenceNumber, timestamp: out.timestamp, marker: p.marker, payloadType: 0 });
    this.out.writeRtp(new RtpPacket(header, Buffer.from(payload)));
  }

  keyframeRequested(): void {
    const ssrc = this.pageSsrc;
    if (ssrc === undefined) return;
    this.counters.keyframeRequestsToPage++;
    void this.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  }
}
