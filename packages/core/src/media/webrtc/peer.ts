// RFC 8829 (JSEP) answerer for one page's RTCPeerConnection, on werift:
// RFC 8445 ICE with full gathering before the answer (no trickle: the page
// posts its offer and gets one complete answer), RFC 5763/5764 DTLS-SRTP,
// RFC 7587 Opus/48000/2 and RFC 4733 telephone-event/48000 for audio;
// RFC 7741 VP8/90000 with RFC 4585 nack, nack pli and RFC 5104 ccm fir for
// video when the call carries it, else the video m-section is answered with
// port 0 (protocol.md D32). Host candidates on one address (loopback unless
// configured).
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, useFIR, useNACK, usePLI, type RTCRtpTransceiver } from "werift";
import { MediaError } from "./errors.js";

export type BrowserPeerOptions = {
  /** The address ICE binds and advertises (default 127.0.0.1). */
  address?: string;
  /** UDP ports for ICE, [min, max] (default: any). */
  portRange?: [number, number];
  /** How long full ICE gathering may take (default 10 s). */
  gatherTimeoutMs?: number;
  /** DECISION(protocol.md D32): accept the offer's (first) video m-section; false answers it with port 0. */
  video?: boolean;
};

export type BrowserPeer = {
  pc: RTCPeerConnection;
  audio: RTCRtpTransceiver;
  /** Our track on the audio transceiver: what we write reaches the page. */
  out: MediaStreamTrack;
  answer: string;
  /** The accepted video m-section: its transceiver and our track on it (what we write reaches the page). */
  video?: { transceiver: RTCRtpTransceiver; out: MediaStreamTrack };
};

function audioCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2, parameters: "minptime=10;useinbandfec=1" }),
    new RTCRtpCodecParameters({ mimeType: "audio/telephone-event", clockRate: 48000, parameters: "0-16" }),
  ];
}

function videoCodecs(): RTCRtpCodecParameters[] {
  // werift retransmits what we sent on the page's NACK and NACKs the page's losses itself.
  return [new RTCRtpCodecParameters({ mimeType: "video/VP8", clockRate: 90000, rtcpFeedback: [useNACK(), usePLI(), useFIR()] })];
}

/** The page's video m-sections: the first carries the call's video when wanted; any other, and an unwanted one, get port 0. */
async function setUpVideo(pc: RTCPeerConnection, wanted: boolean): Promise<BrowserPeer["video"]> {
  let accepted: BrowserPeer["video"];
  for (const t of pc.getTransceivers().filter((x) => x.kind === "video")) {
    if (!wanted || accepted) {
      // werift answers an inactive transceiver with port 0 (RFC 8829 §5.3.1: rejected).
      t.setDirection("inactive");
      continue;
    }
    t.setDirection("sendrecv");
    const out = new MediaStreamTrack({ kind: "video" });
    await t.sender.replaceTrack(out);
    accepted = { transceiver: t, out };
  }
  return accepted;
}

/** The answer without host candidates on addresses other than ours (RFC 8839 §5.1 a=candidate lines). */
function onlyAddress(sdp: string | undefined, address: string): string | undefined {
  return sdp
    ?.split("\r\n")
    .filter((line) => !line.startsWith("a=candidate:") || line.split(" ")[4] === address)
    .join("\r\n");
}

async function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === "complete") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new MediaError("webrtc-ice", `ICE gathering did not complete within ${timeoutMs} ms`))), timeoutMs);
    const { unSubscribe: off } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== "complete") return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Answers the page's offer; throws MediaError (kind webrtc-offer) for an offer without audio. */
export async function answerBrowserOffer(offer: string, options: BrowserPeerOptions, onTrack: (track: MediaStreamTrack) => void): Promise<BrowserPeer> {
  const address = options.address ?? "127.0.0.1";
  const pc = new RTCPeerConnection({
    codecs: { audio: audioCodecs(), video: videoCodecs() },
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: address },
    iceAdditionalHostAddresses: [address],
    // DECISION(protocol.md D28): werift also gathers the machine's other addresses; we check and advertise only ours.
    iceFilterCandidatePair: (pair) => pair.localCandidate.host === address,
    ...(options.portRange && { icePortRange: options.portRange }),
  });
  // The page's tracks are announced while its offer is applied: listen first.
  pc.onTrack.subscribe(onTrack);
  try {
    await pc.setRemoteDescription({ type: "offer", sdp: offer });
    const audio = pc.getTransceivers().find((t) => t.kind === "audio");
    if (!audio) throw new MediaError("webrtc-offer", "the offer has no audio m-line");
    audio.setDirection("sendrecv");
    const out = new MediaStreamTrack({ kind: "audio" });
    await audio.sender.replaceTrack(out);
    const video = await setUpVideo(pc, options.video === true);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc, options.gatherTimeoutMs ?? 10_000);
    const answer = onlyAddress(pc.localDescription?.sdp, address);
    if (!answer) throw new MediaError("webrtc-offer", "no local description after the answer");
    return { pc, audio, out, answer, ...(video && { video }) };
  } catch (err) {
    await pc.close().catch(() => undefined);
    if (err instanceof MediaError) throw err;
    throw new MediaError("webrtc-offer", `cannot answer the offer: ${(err as Error).message}`);
  }
}
