// call-transport.ts: one port pair per call (RFC 3550 §11) shared by successive RtpSessions, on fake sockets.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { createPcmuCodec } from "../codecs/g711.js";
import { serializeRtp } from "../rtp/rtp-packet.js";
import type { DatagramSocket } from "../rtp/rtp-session-types.js";
import { relayTransport } from "./call-transport.js";

type Listener = (msg: Buffer, rinfo: { address: string; port: number }) => void;

class FakeSocket implements DatagramSocket {
  listeners: Listener[] = [];
  sent: { port: number; address: string }[] = [];
  closed = false;
  on(_event: "message", fn: Listener): void {
    this.listeners.push(fn);
  }
  send(_msg: Uint8Array, port: number, address: string): void {
    this.sent.push({ port, address });
  }
  close(): void {
    this.closed = true;
  }
  deliver(bytes: Uint8Array): void {
    this.listeners.forEach((l) => l(Buffer.from(bytes), { address: "192.0.2.10", port: 40000 }));
  }
}

const packet = (seq: number) => serializeRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 7, csrc: [], payload: new Uint8Array(160), padding: 0 });

describe("relayTransport", () => {
  it("hands the sockets to the newest session; closing an old one detaches it without closing the sockets", () => {
    const rtp = new FakeSocket();
    const rtcp = new FakeSocket();
    const t = relayTransport({ rtp, rtcp, port: 20000 });
    const clock = new FakeClock();
    const heard: string[] = [];
    const first = t.openSession({ clock, codec: createPcmuCodec(), sendPayloadType: 0 });
    first.events.on("audio", (a) => heard.push(`first ${a.sequenceNumber}`));
    rtp.deliver(packet(1));
    const second = t.openSession({ clock, codec: createPcmuCodec(), sendPayloadType: 0 });
    second.events.on("audio", (a) => heard.push(`second ${a.sequenceNumber}`));
    first.close();
    expect(rtp.closed).toBe(false);
    rtp.deliver(packet(2));
    rtp.deliver(new Uint8Array([0x80, 2, 3])); // RTP by its first byte (RFC 7983), too short
    expect(heard).toEqual(["first 1", "second 2"]);
    expect(second.streamStats().rejected).toEqual({ short: 1 });
    expect(t.datagrams).toBe(3);
    second.close();
    t.close();
    expect(rtp.closed && rtcp.closed).toBe(true);
  });

  it("a session's packets go out of the shared sockets", () => {
    const rtp = new FakeSocket();
    const rtcp = new FakeSocket();
    const t = relayTransport({ rtp, rtcp, port: 20000 });
    const clock = new FakeClock();
    const source = { sampleRate: 8000, frameMs: 20, read: () => new Int16Array(160) };
    const s = t.openSession({ clock, codec: createPcmuCodec(), source, remote: { rtp: { address: "192.0.2.10", port: 40000 }, rtcp: { address: "192.0.2.10", port: 40001 } }, rtcpIntervalMs: 100 });
    s.start();
    clock.advance(200);
    expect(rtp.sent.length).toBeGreaterThanOrEqual(9);
    expect(rtp.sent[0]).toEqual({ port: 40000, address: "192.0.2.10" });
    expect(rtcp.sent[0]).toEqual({ port: 40001, address: "192.0.2.10" });
    s.close();
    t.close();
  });
});
