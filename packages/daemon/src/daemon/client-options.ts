// The daemon's configuration turned into the library's client options
// (protocol.md §2: one instance, both accounts). The only place that reveals
// the passwords, and only into the client.
import { join } from "node:path";
import { callSinks, callSources, createLogger, createMediaHooks, type CallMediaHooks, type CusaxClientOptions, type Logger, type SqliteStore } from "@cusax/core";
import { ApiError } from "../api/errors.js";
import type { DaemonConfig } from "../config/config.js";

/** What a call's audio is for (protocol.md D27): its WAV file (the default), or a browser page (silence until the page's leg attaches). */
export type CallMediaChoice = "wav" | "browser";

/** A request's `media` field: absent is "wav". */
export function mediaChoiceOf(value: unknown): CallMediaChoice {
  if (value === undefined || value === "wav" || value === "browser") return value ?? "wav";
  throw new ApiError("bad-request", `media: expected "wav" or "browser", got ${JSON.stringify(value)}`);
}

/** Chooses what each call plays: the file asked for with the call, else the configured one, else silence. */
export class PlayChoice {
  private next: string | undefined;
  private nextMedia: CallMediaChoice = "wav";
  /** How to silence each running call's own source (a call answered for a page). */
  private readonly silencers = new Map<string, () => void>();
  constructor(private readonly fallback: string | undefined) {}
  /** The file (or, for "browser", silence) for the next call created (an outgoing call asks just before dialling). */
  once(path: string | undefined, media: CallMediaChoice = "wav"): void {
    this.next = path;
    this.nextMedia = media;
  }
  take(): string | undefined {
    const p = this.nextMedia === "browser" ? undefined : (this.next ?? this.fallback);
    this.next = undefined;
    this.nextMedia = "wav";
    return p;
  }
  follow(callId: string, silence: () => void): void {
    this.silencers.set(callId, silence);
  }
  forget(callId: string): void {
    this.silencers.delete(callId);
  }
  /** A call answered for a page: its own source goes silent until the page's leg attaches. */
  forBrowser(callId: string): void {
    this.silencers.get(callId)?.();
  }
}

export function recordingsDir(config: DaemonConfig): string {
  return join(config.dataDir, "calls");
}

/** What the log says when media.srtp "required" refuses a plain offer (answered 488, RFC 3261 §13.3.1.3). */
export const SRTP_REFUSED = "SRTP is required (media.srtp) but the offer has no a=crypto";

export function mediaHooksOf(config: DaemonConfig, play: PlayChoice, log: Logger = createLogger({ scope: "daemon", level: config.log.level })): CallMediaHooks {
  const silence = callSources({ kind: "silence" });
  const sink = callSinks({ kind: "wav", dir: recordingsDir(config) });
  const hooks = createMediaHooks({
    ...(config.media.address ? { address: config.media.address } : {}),
    srtp: config.media.srtp,
    source: (call) => {
      const file = play.take();
      return file ? callSources({ kind: "wav", path: file, loop: true })(call) : silence(call);
    },
    sink,
  });
  const media = log.child("media");
  return {
    events: hooks.events,
    create(call) {
      const m = hooks.create(call);
      play.follow(call.callId, () => m.legs.silence());
      m.events.on("closed", () => play.forget(call.callId));
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

export function clientOptionsOf(config: DaemonConfig, store: SqliteStore, mediaHooks: CallMediaHooks, ca: string[]): CusaxClientOptions {
  const [username = "", domain = ""] = config.xmpp.jid.split("@");
  const proxyHost = config.sip.proxy ? hostOf(config.sip.proxy) : undefined;
  // A loopback proxy is reached from loopback; otherwise listen everywhere.
  const listenHost = config.sip.listenHost ?? (proxyHost === "127.0.0.1" || proxyHost === "localhost" ? "127.0.0.1" : undefined);
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
      ...(ca.length > 0 ? { ca } : {}),
    },
    ...(config.sip.tel ? { tel: config.sip.tel } : {}),
  };
}
