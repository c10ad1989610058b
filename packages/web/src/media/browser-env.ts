// The real browser behind PageMedia: getUserMedia, RTCPeerConnection (no
// STUN/TURN: the daemon answers with host candidates, protocol.md D28), an
// <audio> element per leg, a BroadcastChannel between this browser's tabs,
// and the daemon's POST/DELETE /calls/:id/webrtc (docs/api.md).
import { seg, type Api } from "../api/client.js";
import type { KeyValueStorage } from "../state/drafts.js";
import type { MediaLeg } from "./media-leg.js";
import { PageMedia, type PageMediaEnv, type TabChannel } from "./page-media.js";

export const canCarryAudio = (): boolean =>
  typeof navigator !== "undefined" && typeof navigator.mediaDevices?.getUserMedia === "function" && typeof RTCPeerConnection === "function";

function tabChannel(): TabChannel | undefined {
  if (typeof BroadcastChannel !== "function") return undefined;
  const ch = new BroadcastChannel("cusax-media");
  return { post: (m) => ch.postMessage(m), onMessage: (f) => (ch.onmessage = (e: MessageEvent) => f(e.data)) };
}

function audioElement(): HTMLAudioElement {
  const el = document.createElement("audio");
  el.autoplay = true;
  el.className = "call-audio";
  el.hidden = true;
  document.body.append(el);
  return el;
}

export function browserEnv(api: Api, storage: KeyValueStorage | undefined): PageMediaEnv {
  return {
    supported: canCarryAudio(),
    storage,
    tabs: tabChannel(),
    tabId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    peer: () => new RTCPeerConnection(),
    audio: audioElement,
    remoteStream: () => new MediaStream(),
    getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c),
    offer: (callId, sdp) => api.post<RTCSessionDescriptionInit>(`/calls/${seg(callId)}/webrtc`, { sdp }),
    release: (callId) => void fetch(`/calls/${seg(callId)}/webrtc`, { method: "DELETE", credentials: "same-origin", keepalive: true }).catch(() => undefined),
  };
}

/** The page's media, released when the page goes away (closed tab, reload, navigation). */
export function createMediaLeg(api: Api, storage: KeyValueStorage | undefined): MediaLeg {
  const media = new PageMedia(browserEnv(api, storage));
  window.addEventListener("pagehide", () => media.unload());
  return media;
}
