// RFC 8829 (JSEP) answerer for one page's RTCPeerConnection, on werift:
// RFC 8445 ICE with full gathering before the answer (no trickle: the page
// posts its offer and gets one complete answer), RFC 5763/5764 DTLS-SRTP,
// RFC 7587 Opus/48000/2 and RFC 4733 telephone-event/48000 for audio.
// Host candidates on one address (loopback unless configured).
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, type RTCRtpTransceiver } from "werift";
import { MediaError } from "./errors.js";

export type BrowserPeerOptions = {
  /** The address ICE binds and advertises (default 127.0.0.1). */
  address?: string;
  /** UDP ports for ICE, [min, max] (default: any). */
  portRange?: [number, number];
  /** How long full ICE gathering may take (default 10 s). */
  gatherTimeoutMs?: number;
};

export type BrowserPeer = {
  pc: RTCPeerConnection;
  audio: RTCRtpTransceiver;
  /** Our track on the audio transceiver: what we write reaches the page. */
  out: MediaStreamTrack;
  answer: string;
};

function audioCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2, parameters: "minptime=10;useinbandfec=1" }),
    new RTCRtpCodecParameters({ mimeType: "audio/telephone-event", clockRate: 48000, parameters: "0-16" }),
  ];
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
    codecs: { audio: audioCodecs() },
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
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc, options.gatherTimeoutMs ?? 10_000);
    const answer = onlyAddress(pc.localDescription?.sdp, address);
    if (!answer) throw new MediaError("webrtc-offer", "no local description after the answer");
    return { pc, audio, out, answer };
  } catch (err) {
    await pc.close().catch(() => undefined);
    if (err instanceof MediaError) throw err;
    throw new MediaError("webrtc-offer", `cannot answer the offer: ${(err as Error).message}`);
  }
}
