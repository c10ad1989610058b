// call-ice.ts: two calls' audio with ICE over an in-memory network (FakeClock):
// the offer carries RFC 8839 attributes with the default candidate in c=/m=,
// ICE selects a pair and RTP flows both ways on it; a peer without ICE gets
// media at its c=/m= address (symmetric RTP, as before ICE).
import { describe, expect, it } from "vitest";
import { parse } from "sdp-transform";
import { FakeClock } from "../../util/clock.js";
import { createLogger, type LogRecord } from "../../util/log.js";
import { createMediaHooks, type AudioCallMedia } from "../call-media.js";
import { ToneSource } from "../source.js";
import { relayTransport } from "./call-transport.js";
import { iceTransport } from "./call-ice.js";

type Rinfo = { address: string; port: number };
type Fn = (msg: Buffer, rinfo: Rinfo) => void;

class FakeNet {
  readonly sockets = new Map<string, Fn[]>();
  socket(address: string, port: number) {
    const me = { address, port };
    const key = `${address}:${port}`;
    return {
      on: (_e: "message", fn: Fn) => void this.sockets.set(key, [...(this.sockets.get(key) ?? []), fn]),
      send: (msg: Uint8Array, toPort: number, toAddress: string) => {
        const copy = Buffer.from(msg);
        queueMicrotask(() => this.sockets.get(`${toAddress}:${toPort}`)?.forEach((fn) => fn(copy, me)));
      },
      close: () => undefined,
    };
  }
  pair(address: string, port: number) {
    return { rtp: this.socket(address, port), rtcp: this.socket(address, port + 1), port };
  }
}

async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 10) {
    clock.advance(10);
    await new Promise<void>((r) => setImmediate(r));
  }
}

const records: LogRecord[] = [];
const log = createLogger({ sink: (r) => records.push(r), level: "info" });

function endpoint(net: FakeNet, clock: FakeClock, address: string, port: number, ice: boolean): AudioCallMedia {
  const iceOptions = { servers: async () => ({ stun: [], turn: [] }), clock, log: log.child(address), agent: { consent: { intervalMs: 1000 } } };
  const hooks = createMediaHooks({
    clock,
    address,
    srtp: "off",
    codecs: ["PCMU"],
    statsIntervalMs: 0,
    source: () => new ToneSource(8000, 440),
    bind: async () => (ice ? iceTransport(net.pair(address, port), address, iceOptions) : relayTransport(net.pair(address, port))),
  });
  return hooks.create({ callId: `${address}`, direction: "outgoing" });
}

describe("ICE for a call's audio", () => {
  it("offers candidates with the default in c=/m=, selects a pair, and carries RTP both ways on it", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = endpoint(net, clock, "192.0.2.10", 20000, true);
    const b = endpoint(net, clock, "198.51.100.20", 30000, true);
    const offer = await a.offer("sendrecv");
    const m = parse(offer).media[0]!;
    expect(m.iceUfrag).toMatch(/^[A-Za-z0-9+/]{8}$/);
    expect(m.icePwd?.length).toBe(24);
    expect(m.candidates?.map((c) => [c.component, c.type, c.ip, c.port])).toEqual([[1, "host", "192.0.2.10", 20000], [2, "host", "192.0.2.10", 20001]]);
    expect(m.endOfCandidates).toBe("end-of-candidates");
    expect(m.connection?.ip ?? parse(offer).connection?.ip).toBe("192.0.2.10");
    const answer = await b.answer(offer, "sendrecv");
    expect(parse(answer).media[0]?.candidates?.length).toBe(2);
    await a.applyAnswer(answer);
    await run(clock, 2000);
    expect(a.stats()?.packetsReceived).toBeGreaterThan(20);
    expect(b.stats()?.packetsReceived).toBeGreaterThan(20);
    const selected = records.filter((r) => r.msg === "ICE pair selected").map((r) => `${r.scope} ${String(r.fields?.component)}`);
    expect(selected.sort()).toEqual(["192.0.2.10 1", "192.0.2.10 2", "198.51.100.20 1", "198.51.100.20 2"]);
    // A re-offer (hold and back) keeps the credentials: no ICE restart.
    const again = await a.offer("sendonly");
    expect(parse(again).media[0]?.iceUfrag).toBe(m.iceUfrag);
    await a.close();
    await b.close();
  });

  it("falls back to c=/m= and symmetric RTP when the peer's SDP has no ICE", async () => {
    const clock = new FakeClock();
    const net = new FakeNet();
    const a = endpoint(net, clock, "192.0.2.10", 20000, true);
    const b = endpoint(net, clock, "198.51.100.20", 30000, false);
    const offer = await a.offer("sendrecv");
    const answer = await b.answer(offer, "sendrecv");
    expect(answer).not.toContain("a=candidate");
    await a.applyAnswer(answer);
    await run(clock, 1000);
    expect(a.stats()?.packetsReceived).toBeGreaterThan(20);
    expect(b.stats()?.packetsReceived).toBeGreaterThan(20);
    await a.close();
    await b.close();
  });
});
