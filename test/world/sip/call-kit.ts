// World-test kit for calls (RFC 3261 §13, RFC 3264): our SipUserAgent at the world's Kamailio, with SDP hooks
// made from sdp/ and media/ (a PCMU RtpSession playing a tone and keeping what it hears).
import { randomUUID } from "node:crypto";
import { realClock } from "../../../packages/core/src/util/clock.js";
import {
  applyAnswer, createAnswer, createOffer, createSdpLocalState, type LocalCapabilities, type NegotiatedMedia,
} from "../../../packages/core/src/sdp/index.js";
import { createPcmuCodec, MemorySink, RtpSession, ToneSource } from "../../../packages/core/src/media/index.js";
import { SipUserAgent, type CallMedia, type MediaDirection, type MediaHooks, type SipCall, type SipUserAgentOptions } from "../../../packages/core/src/sip/index.js";
import type { SipServer } from "../index.js";

/** One call's media: an RTP session bound on first use, started when an answer is known. */
export class ToneMedia implements CallMedia {
  readonly sink = new MemorySink(8000);
  session: RtpSession | undefined;
  private readonly state = createSdpLocalState();
  private lastOffer: string | undefined;
  negotiated: NegotiatedMedia | undefined;
  closed = false;

  /** `address`: where RTP binds and what c=/o= say ("::1" for the IPv6 world). */
  constructor(
    private readonly hz: number,
    private readonly address = "127.0.0.1",
  ) {}

  private async open(): Promise<RtpSession> {
    this.session ??= await RtpSession.open({ clock: realClock, codec: createPcmuCodec(), source: new ToneSource(8000, this.hz), sink: this.sink, address: this.address, telephoneEvent: { sendPayloadType: 101, receivePayloadType: 101 } });
    return this.session;
  }

  private caps(port: number, direction: MediaDirection): LocalCapabilities {
    return {
      address: this.address,
      media: [{ kind: "audio", port, codecs: [{ name: "PCMU", clockRate: 8000, payloadType: 0 }], telephoneEvents: [{ payloadType: 101, clockRate: 8000 }], direction }],
    };
  }

  async offer(direction: MediaDirection): Promise<string> {
    const s = await this.open();
    this.lastOffer = createOffer(this.caps(s.localPort, direction), this.state);
    return this.lastOffer;
  }

  async answer(offer: string, direction: MediaDirection): Promise<string> {
    const s = await this.open();
    const a = createAnswer(offer, this.caps(s.localPort, direction), this.state);
    this.use(a.media[0]);
    return a.sdp;
  }

  applyAnswer(answer: string): void {
    if (this.lastOffer) this.use(applyAnswer(this.lastOffer, answer)[0]);
  }

  private use(m: NegotiatedMedia | undefined): void {
    if (!m || m.rejected || !this.session) return;
    const first = this.negotiated === undefined;
    this.negotiated = m;
    this.session.setRemote({ address: m.remoteAddress, port: m.remotePort }, { address: m.remoteAddress, port: m.remoteRtcpPort });
    if (first) this.session.start();
  }

  sendDtmf(digits: string): void {
    for (const d of digits) this.session?.sendDigit(d);
  }

  close(): void {
    this.closed = true;
    this.session?.close();
  }
}

export type Agent = { ua: SipUserAgent; medias: ToneMedia[]; stop(): Promise<void> };

/** Our user agent registered at Kamailio as `user` over `transport`, playing `hz`. */
export async function startAgent(k: SipServer, user: string, transport: "udp" | "tls", hz = 440, extra: Partial<SipUserAgentOptions> = {}): Promise<Agent> {
  const u = k.users[user]!;
  const medias: ToneMedia[] = [];
  const mediaHooks: MediaHooks = {
    create: () => {
      const m = new ToneMedia(hz);
      medias.push(m);
      return m;
    },
  };
  const port = transport === "tls" ? k.ports.tls : k.ports.udp;
  const ua = new SipUserAgent({
    aor: u.aor, password: u.password, instanceId: `urn:uuid:${randomUUID()}`, transport, ca: [k.caPem],
    outboundProxy: `sip:${k.host}:${port};transport=${transport}`, listen: { host: k.host }, mediaHooks, expires: 120, ...extra,
  });
  const started = await ua.start();
  if (!started.ok) throw new Error(`registration failed: ${JSON.stringify(started)}`);
  return { ua, medias, stop: () => ua.stop() };
}

/** Resolves when the call reaches `state` (or rejects when it ends first). */
export function reach(call: SipCall, state: string, timeoutMs = 15_000): Promise<void> {
  if (call.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`call stayed ${call.state}, wanted ${state}`)), timeoutMs);
    const offs = [
      call.events.on("state", ({ to }) => to === state && done()),
      call.events.on("ended", (e) => state !== "ended" && done(new Error(`call ended ${JSON.stringify(e)} before ${state}`))),
    ];
    const done = (err?: Error) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (err) reject(err);
      else resolve();
    };
  });
}

/** The next incoming call. */
export function nextIncoming(ua: SipUserAgent, timeoutMs = 15_000): Promise<SipCall> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no incoming call")), timeoutMs);
    const off = ua.events.on("incoming", (c) => {
      clearTimeout(timer);
      off();
      resolve(c);
    });
  });
}
