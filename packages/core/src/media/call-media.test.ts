// call-media.ts: RFC 3264 offer/answer decisions and their effect on the RTP session, with the port
// binding and the session faked (no sockets; the world tests in test/world/media run real ones).
import { describe, expect, it } from "vitest";
import { createAnswer, createOffer, createSdpLocalState, type CodecCapability, type Direction, type SrtpPolicy } from "../sdp/index.js";
import { FakeClock } from "../util/clock.js";
import { Emitter } from "../util/events.js";
import { createMediaHooks, MediaNotAcceptable, type CallMediaOptions, type CallRtpSession, type CallTransport } from "./call-media.js";
import type { RtpStreamCounters } from "./call-stats.js";
import type { RtpEndpoint, RtpSessionEvents, RtpSessionOptions } from "./rtp/rtp-session-types.js";
import { MemorySink, ToneSource } from "./source.js";

class FakeSession implements CallRtpSession {
  readonly events = new Emitter<RtpSessionEvents>();
  started = false;
  closed = false;
  remotes: RtpEndpoint[] = [];
  digits: [string, number | undefined][] = [];
  constructor(readonly options: RtpSessionOptions) {}
  start(): void {
    this.started = true;
  }
  setRemote(rtp: RtpEndpoint): void {
    this.remotes.push(rtp);
  }
  sendDigit(digit: string, durationMs?: number): void {
    this.digits.push([digit, durationMs]);
  }
  streamStats(): RtpStreamCounters {
    const base = { kind: "audio", codec: this.options.codec.name, clockRate: 8000, packetsSent: 5, bytesSent: 800, packetsReceived: 4, bytesReceived: 640 } as const;
    return { ...base, expected: 4, cumulativeLost: 0, jitterMs: 1, rejected: {} };
  }
  close(): void {
    this.closed = true;
  }
}

function setup(options: Partial<CallMediaOptions> = {}) {
  const sessions: FakeSession[] = [];
  const transports: { closed: boolean }[] = [];
  const sink = new MemorySink(8000);
  const clock = new FakeClock();
  const hooks = createMediaHooks({
    clock, sink: () => sink, source: () => new ToneSource(8000, 440), statsIntervalMs: 1000, ...options,
    bind: async (): Promise<CallTransport> => {
      const t = { closed: false };
      transports.push(t);
      return {
        port: 20000, datagrams: 0,
        openSession: (o) => {
          const s = new FakeSession(o);
          sessions.push(s);
          return s;
        },
        close: () => void (t.closed = true),
      };
    },
  });
  const media = hooks.create({ callId: "c1", direction: "outgoing" });
  return { media, sessions, transports, sink, clock, session: () => sessions[sessions.length - 1]! };
}

const PCMU: CodecCapability = { name: "PCMU", clockRate: 8000, payloadType: 0 };
const PCMA: CodecCapability = { name: "PCMA", clockRate: 8000, payloadType: 8 };

/** The other end, made with sdp/ at 192.0.2.10:40000. */
function peer(srtp: SrtpPolicy = "off", codecs: CodecCapability[] = [PCMU], port = 40000) {
  const state = createSdpLocalState();
  const caps = (direction: Direction = "sendrecv", c = codecs) => ({
    address: "192.0.2.10",
    media: [{ kind: "audio" as const, port, codecs: c, telephoneEvents: [{ payloadType: 96, clockRate: 8000 }], direction, srtp }],
  });
  return {
    offer: (direction?: Direction, c?: CodecCapability[]) => createOffer(caps(direction, c), state),
    answer: (offer: string, direction?: Direction) => createAnswer(offer, caps(direction), state).sdp,
  };
}

const PLAIN_ANSWER_TO_SAVP = [
  "v=0", "o=- 1 1 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0", "m=audio 40000 RTP/SAVP 0", "a=rtpmap:0 PCMU/8000", "a=sendrecv", "",
].join("\r\n");

describe("offers (RFC 3264 §5) by SRTP mode", () => {
  it("offered (default): RTP/AVP with a=crypto, our codecs in order, telephone-event at 48 and 8 kHz", async () => {
    const { media } = setup();
    const sdp = await media.offer("sendrecv");
    expect(sdp).toMatch(/^m=audio 20000 RTP\/AVP 111 0 8 102 101\r$/m);
    expect(sdp).toMatch(/^a=rtpmap:111 opus\/48000\/2\r$/m);
    expect(sdp).toMatch(/^a=rtpmap:102 telephone-event\/48000\r$/m);
    expect(sdp).toMatch(/^a=rtpmap:101 telephone-event\/8000\r$/m);
    expect(sdp).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
    expect(sdp).toMatch(/^c=IN IP4 127\.0\.0\.1\r$/m);
  });

  it("required: RTP/SAVP; off: no a=crypto; codecs as configured", async () => {
    const req = await setup({ srtp: "required", codecs: ["PCMA"] }).media.offer("sendrecv");
    expect(req).toMatch(/^m=audio 20000 RTP\/SAVP 8 101\r$/m);
    expect(req).toMatch(/^a=crypto:/m);
    const off = await setup({ srtp: "off", codecs: ["PCMU"], address: "192.0.2.1" }).media.offer("sendonly");
    expect(off).not.toMatch(/a=crypto/);
    expect(off).toMatch(/^a=sendonly\r$/m);
    expect(off).toMatch(/^c=IN IP4 192\.0\.2\.1\r$/m);
  });
});

describe("running the negotiated stream", () => {
  it("our offer, a plain PCMU answer: a session sends with the peer's PTs to its address, started", async () => {
    const { media, sessions, session } = setup();
    const started: unknown[] = [];
    media.events.on("started", (e) => started.push(e));
    const offer = await media.offer("sendrecv");
    await media.applyAnswer(peer().answer(offer));
    expect(sessions).toHaveLength(1);
    const o = session().options;
    expect(o.codec.name).toBe("PCMU");
    expect(o.sendPayloadType).toBe(0);
    expect(o.telephoneEvent).toEqual({ sendPayloadType: 101, receivePayloadType: 101 });
    expect(o.remote).toEqual({ rtp: { address: "192.0.2.10", port: 40000 }, rtcp: { address: "192.0.2.10", port: 40001 } });
    expect(o.srtp).toBeUndefined();
    expect(session().started).toBe(true);
    expect(media.flow).toEqual({ send: true, recv: true });
    expect(started).toEqual([{ codec: "PCMU", srtp: false, remote: { address: "192.0.2.10", port: 40000 } }]);
  });

  it("a peer with SDES answering our offered a=crypto: the session is keyed both ways (RFC 4568 §7.1.2)", async () => {
    const { media, session } = setup();
    const offer = await media.offer("sendrecv");
    await media.applyAnswer(peer("offer").answer(offer));
    const srtp = session().options.srtp!;
    expect(srtp.local.suite).toBe("AES_CM_128_HMAC_SHA1_80");
    expect(Buffer.from(srtp.local.masterKey)).not.toEqual(Buffer.from(srtp.remote.masterKey));
    expect(media.negotiated?.srtp).toBeDefined();
  });

  it("Opus offered at the peer's PT 96: our answer keeps 96 (RFC 3264 §6.1) and the session sends with it", async () => {
    const { media, session } = setup();
    const OPUS96: CodecCapability = { name: "opus", clockRate: 48000, channels: 2, payloadType: 96 };
    const answer = await media.answer(peer("off", [OPUS96]).offer(), "sendrecv");
    expect(answer).toMatch(/^a=rtpmap:96 opus\/48000\/2\r$/m);
    const o = session().options;
    expect(o.codec.name).toBe("opus");
    expect(o.sendPayloadType).toBe(96);
    expect(o.receivePayloadTypes).toEqual([96]);
    await media.close();
  });

  it("an answer that renumbers our codec: we send with its PT and accept both", async () => {
    const { media, session } = setup({ codecs: ["opus"], srtp: "off" });
    await media.offer("sendrecv");
    const answer = ["v=0", "o=- 1 1 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0", "m=audio 40000 RTP/AVP 97", "a=rtpmap:97 opus/48000/2", ""].join("\r\n");
    await media.applyAnswer(answer);
    expect(session().options.sendPayloadType).toBe(97);
    expect(session().options.receivePayloadTypes).toEqual([111, 97]);
    await media.close();
  });

  it("an incoming offer is answered and run; the answer is ours at our port", async () => {
    const { media, session } = setup();
    const answer = await media.answer(peer().offer(), "sendrecv");
    expect(answer).toMatch(/^m=audio 20000 RTP\/AVP 0 96\r$/m);
    expect(session().options.telephoneEvent).toEqual({ sendPayloadType: 96, receivePayloadType: 96 });
    expect(session().started).toBe(true);
  });
});

describe("refusals (RFC 3261 §13.3.1.3: 488)", () => {
  it("required SRTP and a plain offer: answer() fails with 488 srtp-required, nothing runs", async () => {
    const { media, sessions } = setup({ srtp: "required" });
    const err = await media.answer(peer().offer(), "sendrecv").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaNotAcceptable);
    expect(err).toMatchObject({ status: 488, failure: "srtp-required" });
    expect(sessions).toHaveLength(0);
  });

  it("required SRTP and an RTP/AVP offer with a=crypto the peer made: accepted, keyed", async () => {
    const { media, session } = setup({ srtp: "required" });
    await media.answer(peer("offer").offer(), "sendrecv");
    expect(session().options.srtp).toBeDefined();
  });

  it("required SRTP and an answer without keys: applyAnswer fails, `failed` is emitted", async () => {
    const { media, sessions } = setup({ srtp: "required", codecs: ["PCMU"] });
    const failed: unknown[] = [];
    media.events.on("failed", (e) => failed.push(e));
    await media.offer("sendrecv");
    await expect(media.applyAnswer(PLAIN_ANSWER_TO_SAVP)).rejects.toMatchObject({ failure: "srtp-required" });
    expect(failed).toEqual([{ reason: "srtp-required" }]);
    expect(sessions).toHaveLength(0);
  });

  it("off and an RTP/SAVP offer: refused", async () => {
    const { media } = setup({ srtp: "off" });
    await expect(media.answer(peer("require").offer(), "sendrecv")).rejects.toBeInstanceOf(MediaNotAcceptable);
  });

  it("a re-offer we cannot take leaves the running session as it was (RFC 3261 §14.2)", async () => {
    const { media, sessions, session } = setup({ codecs: ["PCMU"] });
    const p = peer();
    await media.answer(p.offer(), "sendrecv");
    await expect(media.answer(p.offer("sendrecv", [PCMA]), "sendrecv")).rejects.toMatchObject({ status: 488 });
    expect(sessions).toHaveLength(1);
    expect(session().closed).toBe(false);
    expect(media.flow).toEqual({ send: true, recv: true });
  });
});

describe("re-offers (RFC 3264 §8)", () => {
  it("the peer holds us (sendonly): we stop sending, keep playing; resume restores; one session throughout", async () => {
    const { media, sessions, session } = setup({ codecs: ["PCMU"] });
    const p = peer();
    const flows: unknown[] = [];
    media.events.on("flow", (f) => flows.push(f));
    await media.answer(p.offer(), "sendrecv");
    const source = session().options.source!;
    expect(source.read()).toBeDefined();
    const held = await media.answer(p.offer("sendonly"), "sendrecv");
    expect(held).toMatch(/^a=recvonly\r$/m);
    expect(media.flow).toEqual({ send: false, recv: true });
    expect(source.read()).toBeUndefined();
    await media.answer(p.offer("sendrecv"), "sendrecv");
    expect(source.read()).toBeDefined();
    expect(sessions).toHaveLength(1);
    expect(session().remotes).toEqual([]);
    expect(flows).toEqual([{ send: true, recv: true }, { send: false, recv: true }, { send: true, recv: true }]);
  });

  it("we hold (sendonly): the peer answers recvonly, what arrives is played as silence", async () => {
    const { media, sink, session } = setup({ codecs: ["PCMU"] });
    const p = peer();
    await media.applyAnswer(p.answer(await media.offer("sendrecv")));
    await media.applyAnswer(p.answer(await media.offer("sendonly")));
    expect(media.flow).toEqual({ send: true, recv: false });
    session().options.sink!.write(new Int16Array([1000, -1000]));
    expect([...sink.samples()]).toEqual([0, 0]);
  });

  it("a new codec or address: a new session on the same port, or a new remote on the same session", async () => {
    const { media, sessions, sink } = setup({ codecs: ["PCMU", "PCMA"] });
    await media.answer(peer("off", [PCMU, PCMA]).offer(), "sendrecv");
    const first = sessions[0]!;
    await media.answer(peer("off", [PCMA]).offer(), "sendrecv");
    expect(first.closed).toBe(true);
    expect(sink.closed).toBe(false);
    expect(sessions[1]!.options.codec.name).toBe("PCMA");
    await media.answer(peer("off", [PCMA], 41000).offer(), "sendrecv");
    expect(sessions).toHaveLength(2);
    expect(sessions[1]!.remotes).toEqual([{ address: "192.0.2.10", port: 41000 }]);
  });
});

describe("DTMF, statistics, close", () => {
  it("queues RFC 4733 digits; refuses bad digits, or without telephone-event", async () => {
    const { media, session } = setup({ codecs: ["PCMU"], dtmfDurationMs: 120 });
    expect(media.queueDtmf("1")).toBe(false); // nothing negotiated yet
    await media.answer(peer().offer(), "sendrecv");
    expect(media.queueDtmf("12#a")).toBe(true);
    expect(session().digits).toEqual([["1", 120], ["2", 120], ["#", 120], ["A", 120]]);
    expect(media.queueDtmf("1x")).toBe(false);
    const noEvents = setup({ codecs: ["PCMU"] });
    const offer = ["v=0", "o=- 1 1 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0", "m=audio 40000 RTP/AVP 0", ""].join("\r\n");
    await noEvents.media.answer(offer, "sendrecv");
    expect(noEvents.media.queueDtmf("1")).toBe(false);
  });

  it("forwards received digits and drops; emits stats on the clock", async () => {
    const { media, session, clock } = setup({ codecs: ["PCMU"] });
    const seen: unknown[] = [];
    media.events.on("dtmf", (d) => seen.push(d.digit));
    media.events.on("rejected", (r) => seen.push(r.reason));
    media.events.on("stats", (s) => seen.push(s.packetsReceived));
    await media.answer(peer().offer(), "sendrecv");
    session().events.emit("dtmf", { digit: "5", event: 5, timestamp: 1 });
    session().events.emit("rejected", { reason: "short" });
    clock.advance(2000);
    expect(seen).toEqual(["5", "short", 4, 4]);
  });

  it("close stops the session, finalises the sink, releases the port, once", async () => {
    const { media, session, sink, transports, clock } = setup({ codecs: ["PCMU"] });
    const stats: unknown[] = [];
    media.events.on("stats", (s) => stats.push(s));
    await media.answer(peer().offer(), "sendrecv");
    await media.close();
    await media.close();
    expect(session().closed).toBe(true);
    expect(sink.closed).toBe(true);
    expect(transports).toEqual([{ closed: true }]);
    expect(media.stats()).toBeUndefined();
    clock.advance(5000);
    expect(stats).toEqual([]);
  });

  it("the hooks announce each call's media", () => {
    const hooks = createMediaHooks({ bind: async () => Promise.reject(new Error("unused")) });
    const seen: string[] = [];
    hooks.events.on("call", (m) => seen.push(m.call.callId));
    hooks.create({ callId: "x", direction: "incoming" });
    expect(seen).toEqual(["x"]);
  });
});
