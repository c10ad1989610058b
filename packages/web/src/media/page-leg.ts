// docs/api.md "Browser voice" (protocol.md D27, D28): one call's WebRTC leg
// from this page: the microphone (and the camera on a video call) on an
// RTCPeerConnection, complete ICE gathering (no trickle), the offer posted to
// POST /calls/:id/webrtc, the answer set; the remote audio on an <audio>
// element; digits both ways on the "cusax" data channel. States (the view's
// LegPhase): starting -> live once connected; live -> lost when the
// connection fails or closes, or the daemon closes the data channel (our leg
// was replaced or ended); closed by us at any time (hang-up, takeover, unload).
import type { LegPhase } from "./media-leg.js";

/** What a leg needs from the page: created by browser-env.ts, faked in the unit tests. */
export type LegEnv = {
  peer(): RTCPeerConnection;
  audio(): PlayerElement;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  offer(callId: string, sdp: string): Promise<RTCSessionDescriptionInit>;
  /** How long ICE gathering may take before the offer goes with what was gathered (ms). */
  gatherMs?: number;
};

/** The <audio> element playing the remote stream (only what the leg uses). */
export type PlayerElement = { srcObject: MediaProvider | null; play(): Promise<void>; remove(): void };

const GATHER_MS = 10_000;

function gathered(pc: RTCPeerConnection, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    const timer = setTimeout(done, ms); // what was gathered by then is offered: host candidates come first
    function done(): void {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    }
    function check(): void {
      if (pc.iceGatheringState === "complete") done();
    }
    pc.addEventListener("icegatheringstatechange", check);
  });
}

export class PageLeg {
  phase: LegPhase = "starting";
  muted = false;
  soundBlocked = false;
  camera = false;
  note: string | undefined;
  digitsIn = "";
  readonly remote: MediaStream | undefined;
  localVideo: MediaStream | undefined;
  private pc: RTCPeerConnection | undefined;
  private channel: RTCDataChannel | undefined;
  private player: PlayerElement | undefined;
  private videoSender: RTCRtpSender | undefined;
  private closed = false;

  constructor(readonly callId: string, private readonly mic: MediaStream, readonly video: boolean, private readonly env: LegEnv, private readonly changed: () => void, remote?: MediaStream) {
    this.remote = remote;
  }

  async start(): Promise<void> {
    const pc = this.env.peer();
    this.pc = pc;
    for (const t of this.mic.getAudioTracks()) pc.addTrack(t, this.mic);
    if (this.video) this.videoSender = pc.addTransceiver("video", { direction: "sendrecv" }).sender;
    this.channel = pc.createDataChannel("cusax");
    this.channel.onmessage = (e: MessageEvent) => this.onDigit(e.data);
    this.channel.onclose = () => this.died("the daemon closed this page's audio (another tab or device took the call, or it ended)");
    pc.ontrack = (e) => this.onTrack(e.track);
    pc.onconnectionstatechange = () => this.onState(pc.connectionState);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, this.env.gatherMs ?? GATHER_MS);
    if (this.closed) return;
    const answer = await this.env.offer(this.callId, pc.localDescription?.sdp ?? "");
    if (this.closed) return;
    await pc.setRemoteDescription(answer);
  }

  private onTrack(track: MediaStreamTrack): void {
    this.remote?.addTrack(track);
    if (track.kind === "audio" && !this.player) this.play();
    this.changed();
  }

  private play(): void {
    const player = this.env.audio();
    this.player = player;
    player.srcObject = this.remote ?? null;
    player.play().then(() => this.setBlocked(false), (e: unknown) => this.setBlocked((e as { name?: string }).name === "NotAllowedError"));
  }

  private setBlocked(blocked: boolean): void {
    if (this.soundBlocked === blocked) return;
    this.soundBlocked = blocked;
    this.changed();
  }

  /** After a click ("click to enable sound"): playback is allowed now. */
  async enableSound(): Promise<void> {
    await this.player?.play();
    this.setBlocked(false);
  }

  private onState(state: RTCPeerConnectionState): void {
    if (this.closed) return;
    if (state === "connected" && this.phase === "starting") {
      this.phase = "live";
      this.changed();
    }
    if (state === "failed" || state === "closed") this.died(`the audio connection ${state}`);
  }

  private died(why: string): void {
    if (this.closed) return;
    this.note = why;
    this.phase = "lost";
    this.close();
    this.changed();
  }

  private onDigit(data: unknown): void {
    // Bad input on the channel is ignored, never thrown.
    let digit: unknown;
    try {
      digit = (JSON.parse(String(data)) as { dtmf?: unknown }).dtmf;
    } catch {
      return;
    }
    if (typeof digit !== "string" || !/^[0-9*#A-D]$/i.test(digit)) return;
    this.digitsIn = (this.digitsIn + digit.toUpperCase()).slice(-32);
    this.changed();
  }

  sendDigit(digit: string): boolean {
    if (this.phase !== "live" || this.channel?.readyState !== "open") return false;
    this.channel.send(JSON.stringify({ dtmf: digit }));
    return true;
  }

  /** Mute: the microphone's track stays on the connection and sends silence (track.enabled = false). */
  setMuted(muted: boolean): boolean {
    if (this.closed) return false;
    for (const t of this.mic.getAudioTracks()) t.enabled = !muted;
    this.muted = muted;
    this.changed();
    return true;
  }

  async setCamera(on: boolean): Promise<void> {
    if (!this.videoSender || this.closed || on === this.camera) return;
    if (on) {
      const cam = await this.env.getUserMedia({ video: true });
      this.localVideo = cam;
      await this.videoSender.replaceTrack(cam.getVideoTracks()[0] ?? null);
    } else {
      await this.videoSender.replaceTrack(null);
      for (const t of this.localVideo?.getTracks() ?? []) t.stop();
      this.localVideo = undefined;
    }
    this.camera = on;
    this.changed();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the leg on our side: tracks stopped, connection closed, playback removed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.channel) this.channel.onclose = null;
    this.channel?.close();
    this.pc?.close();
    for (const t of [...this.mic.getTracks(), ...(this.localVideo?.getTracks() ?? [])]) t.stop();
    this.player?.remove();
    this.player = undefined;
  }
}
