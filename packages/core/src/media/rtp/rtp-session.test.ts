// RtpSession's receive path fed through fake sockets (no network): bad RTP is
// counted by reason and dropped, never thrown (RFC 3550 §5.1, A.1; §8.2 SSRC
// changes as decided in ssrc-lock.ts; RFC 3711 §3.3 authentication).
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { createPcmuCodec } from "../codecs/g711.js";
import type { AudioCodec } from "../codecs/codec.js";
import { MemorySink, ToneSource } from "../source.js";
import { SrtpContext, type SrtpKeyMaterial } from "../srtp/srtp-context.js";
import { parseRtcp, serializeRtcp } from "./rtcp-packet.js";
import { serializeRtp } from "./rtp-packet.js";
import { RtpSession, type DatagramSocket, type RtpSessionOptions } from "./rtp-session.js";

class FakeSocket implements DatagramSocket {
  private listener: ((msg: Buffer, rinfo: { address: string; port: number }) => void) | undefined;
  sent: Uint8Array[] = [];
  on(_event: "message", listener: (msg: Buffer, rinfo: { address: string; port: number }) => void): this {
    this.listener = listener;
    return this;
  }
  send(msg: Uint8Array): void {
    this.sent.push(msg);
  }
  close(): void {}
  deliver(bytes: Uint8Array, port = 40000): void {
    this.listener?.(Buffer.from(bytes), { address: "192.0.2.7", port });
  }
}

const PEER = { address: "192.0.2.7", port: 40000 };

function setup(extra: Partial<RtpSessionOptions> = {}) {
  const clock = new FakeClock();
  const rtp = new FakeSocket();
  const rtcp = new FakeSocket();
  const sink = new MemorySink(8000);
  const session = RtpSession.fromSockets({ clock, codec: createPcmuCodec(), sink, remote: { rtp: PEER }, rtcpIntervalMs: 60_000, ...extra }, rtp, rtcp, 30000);
  return { clock, rtp, rtcp, sink, session };
}

const seqs = new Map<number, number>();
function packet(ssrc: number, seq = nextSeq(ssrc), pt = 0): Uint8Array {
  return serializeRtp({ marker: false, payloadType: pt, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrc: [], payload: new Uint8Array(160).fill(0xff), padding: 0 });
}

function nextSeq(ssrc: number): number {
  const n = (seqs.get(ssrc) ?? 100) + 1;
  seqs.set(ssrc, n);
  return n;
}

function key(seed: number): SrtpKeyMaterial {
  return { suite: "AES_CM_128_HMAC_SHA1_80", masterKey: new Uint8Array(16).fill(seed), masterSalt: new Uint8Array(14).fill(seed + 1) };
}

describe("RtpSession: bad RTP is counted and dropped", () => {
  it("counts short packets, wrong versions, RTCP on the RTP port and bad padding", () => {
    const { rtp, session } = setup();
    rtp.deliver(Uint8Array.of(0x80, 0, 0));
    const v1 = packet(1);
    v1[0] = 0x40;
    rtp.deliver(v1);
    rtp.deliver(serializeRtcp([{ type: "rr", ssrc: 5, reports: [] }]));
    const pad = packet(1);
    pad[0] = (pad[0] as number) | 0x20;
    pad[pad.length - 1] = 0;
    rtp.deliver(pad);
    rtp.deliver(packet(1, 7, 8));
    expect(session.rejected).toEqual({ short: 1, version: 1, rtcp: 1, padding: 1, "payload-type": 1 });
    expect(session.received).toBe(0);
    expect(session.streamStats().rejected).toEqual(session.rejected);
  });

  it("locks to the first SSRC and counts another one on the same port as unknown-ssrc", () => {
    const { clock, rtp, session } = setup();
    const reasons: string[] = [];
    session.events.on("rejected", (r) => reasons.push(r.reason));
    for (let i = 0; i < 5; i++) {
      rtp.deliver(packet(0xaaaa));
      rtp.deliver(packet(0xbbbb));
      clock.advance(20);
    }
    expect(session.rejected).toEqual({ "unknown-ssrc": 5 });
    expect(reasons).toEqual(Array(5).fill("unknown-ssrc"));
    // RFC 3550 A.1: the first packet is on probation, so 4 count as received.
    expect(session.received).toBe(4);
  });

  it("accepts a new SSRC after the old one said BYE (RFC 3550 §6.3.7)", () => {
    const { rtp, rtcp, session } = setup();
    rtp.deliver(packet(0xaaaa));
    rtp.deliver(packet(0xbbbb));
    rtcp.deliver(serializeRtcp([{ type: "rr", ssrc: 0xaaaa, reports: [] }, { type: "bye", ssrcs: [0xaaaa] }]), 40001);
    rtp.deliver(packet(0xbbbb));
    rtp.deliver(packet(0xaaaa));
    expect(session.rejected).toEqual({ "unknown-ssrc": 2 });
  });

  it("accepts a new SSRC after a second of silence from the old one (§8.2), or after setRemote", () => {
    const { clock, rtp, session } = setup();
    let audio = 0;
    session.events.on("audio", () => audio++);
    rtp.deliver(packet(0xaaaa));
    clock.advance(999);
    rtp.deliver(packet(0xbbbb));
    clock.advance(1);
    rtp.deliver(packet(0xbbbb));
    expect(session.rejected).toEqual({ "unknown-ssrc": 1 });
    session.setRemote(PEER);
    rtp.deliver(packet(0xcccc));
    expect(session.rejected).toEqual({ "unknown-ssrc": 1 });
    expect(audio).toBe(3);
  });

  it("counts SRTP and SRTCP authentication failures", () => {
    const { rtp, rtcp, session } = setup({ srtp: { local: key(1), remote: key(3) } });
    const good = new SrtpContext(key(3)).protectRtp(packet(0xaaaa));
    const forged = new SrtpContext(key(9)).protectRtp(packet(0xaaaa));
    if (!good.ok || !forged.ok) throw new Error("protect failed");
    rtp.deliver(forged.packet);
    rtp.deliver(good.packet);
    rtp.deliver(good.packet);
    rtp.deliver(Uint8Array.of(1, 2));
    const forgedRtcp = new SrtpContext(key(9)).protectRtcp(serializeRtcp([{ type: "rr", ssrc: 0xaaaa, reports: [] }]));
    if (!forgedRtcp.ok) throw new Error("protect failed");
    rtcp.deliver(forgedRtcp.packet, 40001);
    expect(session.rejected).toMatchObject({ "srtp-auth": 1, "srtcp-auth": 1 });
    expect(Object.keys(session.rejected).filter((k) => k.startsWith("srtp-")).length).toBeGreaterThanOrEqual(2); // replay and short too
    expect(session.streamStats().bytesReceived).toBe(160);
  });

  it("never throws on random datagrams", () => {
    const { rtp, session } = setup({ telephoneEvent: { sendPayloadType: 101, receivePayloadType: 101 } });
    let x = 12345;
    const rand = () => (x = (x * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const buf = new Uint8Array(rand() % 200).map(() => rand() & 0xff);
      // Half of them version 2 with PCMU or telephone-event: reach the deeper checks.
      if (i % 2 && buf.length > 1) [buf[0], buf[1]] = [0x80 | ((buf[0] as number) & 0x0f), i % 4 === 1 ? 0 : 101];
      expect(() => rtp.deliver(buf)).not.toThrow();
    }
    const counted = Object.values(session.rejected).reduce((a, b) => a + b, 0);
    expect(counted).toBeGreaterThan(1500);
  });

  it("conceals a payload the codec cannot decode, counted as decode", () => {
    const throwing: AudioCodec = { ...createPcmuCodec(), decode: () => { throw new RangeError("corrupt"); } };
    const { clock, rtp, session, sink } = setup({ codec: throwing, source: new ToneSource(8000, 440) });
    session.start();
    for (let i = 0; i < 20; i++) {
      rtp.deliver(packet(0xdddd));
      clock.advance(20);
    }
    expect(session.rejected.decode).toBeGreaterThan(10);
    expect(sink.frames.length).toBe(20);
    expect(session.sendTiming).toMatchObject({ ticks: 20, late: 0 });
    session.close();
  });
});

describe("RtpSession: closing", () => {
  it("sends an RTCP BYE for our SSRC when it closes (RFC 3550 §6.6), once", () => {
    const { rtcp, session } = setup({ remote: { rtp: PEER, rtcp: { address: PEER.address, port: PEER.port + 1 } } });
    session.close();
    session.close();
    const packets = rtcp.sent.map((b) => parseRtcp(b));
    expect(packets).toHaveLength(1);
    expect(JSON.stringify(packets[0])).toContain('"type":"bye"');
  });
});
