// The daemon's configuration turned into the library's client options
// (protocol.md §2: one instance, both accounts). The only place that reveals
// the passwords, and only into the client.
import { join } from "node:path";
import { CALL_AUDIO_CHOICES, callSinks, callSources, createLogger, createMediaHooks, type CallAudioChoice, type CallMediaHooks, type CallMediaSpec, type CusaxClientOptions, type DeviceLeg, type Logger, type SqliteStore } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { DaemonConfig } from "../config/config.js";

/** What a call's audio is for (protocol.md D27, D33): its WAV file, a browser page (silence until the page's leg attaches), or the sound device. */
export type CallMediaChoice = CallAudioChoice;

/** A request's `media` field: absent is undefined (the call's default: the device when media.device is set, else its WAV). */
export function mediaChoiceOf(value: unknown): CallMediaChoice | undefined {
  if (value === undefined || CALL_AUDIO_CHOICES.includes(value as CallMediaChoice)) return value as CallMediaChoice | undefined;
  throw new ApiError("bad-request", `media: expected "wav", "browser" or "device", got ${JSON.stringify(value)}`);
}

/**
 * DECISION(protocol.md D33): each call's media choice, made from its own
 * request and carried with the call (SipUserAgent call()/answer() `mediaSpec`);
 * nothing is handed over between requests. Absent `media`: a placed call gets
 * the default (media.device set: the device; else `play`, media.play or
 * silence), an answered call keeps what it has.
 */
export class PlayChoice {
  private device = false;
  /** `configuredPlay` (media.play) is played by the hooks themselves (mediaHooksOf); kept for the callers' shape. */
  constructor(readonly configuredPlay?: string) {}
  /** Whether calls may choose "device" (media.device is set); mediaHooksOf tells. */
  allowDevice(on: boolean): void {
    this.device = on;
  }
  /** The spec for a call from a request's `media` and `play` (400 for a bad choice or "device" without media.device). */
  specOf(media: unknown, play?: string): CallMediaSpec {
    const audio = mediaChoiceOf(media);
    if (audio === "device" && !this.device) throw new ApiError("bad-request", 'media: "device" needs a sound device in the config (media.device: {"tool": "pulse"} or {"tool": "alsa"})');
    if (audio === "browser" || audio === "device") return { audio };
    return { ...(audio ? { audio } : {}), ...(play !== undefined ? { play } : {}) };
  }
}

export function recordingsDir(config: DaemonConfig): string {
  return join(config.dataDir, "calls");
}

/** What the log says when media.srtp "required" refuses a plain offer (answered 488, RFC 3261 §13.3.1.3). */
export const SRTP_REFUSED = "SRTP is required (media.srtp) but the offer has no a=crypto";

/** The device legs' warnings (a tool missing or dead, naming media.device) go to the log. */
function watchDevice(leg: DeviceLeg, callId: string, media: Logger): void {
  leg.events.on("started", () => media.info("sound device started", { callId, tool: leg.spec.tool }));
  leg.events.on("warning", (w) => media.warn(w.message, { callId, command: w.command }));
}

export function mediaHooksOf(config: DaemonConfig, play: PlayChoice, log: Logger = createLogger({ scope: "daemon", level: config.log.level })): CallMediaHooks {
  const media = log.child("media");
  const device = config.media.device;
  play.allowDevice(device !== undefined);
  const hooks = createMediaHooks({
    ...(mediaAddressOf(config) ? { address: mediaAddressOf(config) } : {}),
    srtp: config.media.srtp,
    source: config.media.play ? callSources({ kind: "wav", path: config.media.play, loop: true }) : callSources({ kind: "silence" }),
    sink: callSinks({ kind: "wav", dir: recordingsDir(config) }),
    audio: device ? "device" : "wav",
    ...(device ? { device: { spec: device, onLeg: (leg: DeviceLeg, callId: string) => watchDevice(leg, callId, media) } } : {}),
    // protocol.md D32: VP8 only for calls that ask (call-media-book.ts turns it on), carried by a browser leg.
    video: { legs: true },
  });
  return {
    events: hooks.events,
    create(call) {
      const m = hooks.create(call);
      const answer = m.answer.bind(m);
      m.answer = (offer, direction) => answer(offer, direction).catch((err: unknown) => {
        if ((err as { failure?: string }).failure === "srtp-required") media.warn(SRTP_REFUSED, { callId: call.callId });
        throw err;
      });
      return m;
    },
  };
}

const hostOf = (uri: string): string | undefined => /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)/.exec(uri)?.[1];

/** A loopback proxy is reached from loopback (::1 for "[::1]"); otherwise listen everywhere (undefined). */
export function sipListenHost(config: DaemonConfig): string | undefined {
  const proxyHost = config.sip.proxy ? hostOf(config.sip.proxy) : undefined;
  if (config.sip.listenHost) return config.sip.listenHost;
  if (proxyHost === "[::1]") return "::1";
  return proxyHost === "127.0.0.1" || proxyHost === "localhost" ? "127.0.0.1" : undefined;
}

/** DECISION(protocol.md D37): media.address, else the SIP listen address when it is one IPv6 address (the call's family follows SIP's). */
export function mediaAddressOf(config: DaemonConfig): string | undefined {
  if (config.media.address) return config.media.address;
  const sip = sipListenHost(config);
  return sip && sip.includes(":") && sip !== "::" ? sip : undefined;
}

export function clientOptionsOf(config: DaemonConfig, store: SqliteStore, mediaHooks: CallMediaHooks, ca: string[]): CusaxClientOptions {
  const [username = "", domain = ""] = config.xmpp.jid.split("@");
  const listenHost = sipListenHost(config);
  return {
    store,
    xmpp: {
      ...(config.xmpp.service ? { service: config.xmpp.service } : {}),
      domain, username, password: config.xmpp.password.reveal(),
      ...(ca.length > 0 ? { ca } : {}),
    },
    sip: {
      aor: config.sip.aor, username: config.sip.username, password: config.sip.password.reveal(),
      transport: config.sip.transport, mediaHooks,
      ...(config.sip.proxy ? { outboundProxy: config.sip.proxy } : {}),
      ...(listenHost ? { listen: { host: listenHost } } : {}),
      ...(config.sip.keepAliveSeconds !== undefined ? { keepAliveMs: config.sip.keepAliveSeconds * 1000 } : {}),
      ...(ca.length > 0 ? { ca } : {}),
    },
    ...(config.sip.tel ? { tel: config.sip.tel } : {}),
  };
}
