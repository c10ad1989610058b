// RFC 8656 client against a scripted in-memory server (no network): the 401
// -> long-term credentials dance, 438 stale nonce, wrong credentials, answers
// with a bad MESSAGE-INTEGRITY dropped, Data indications and ChannelData,
// refresh on the fake clock, and close() deleting the allocation.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { attr, attrText, decodeAddress, decodeU32, encodeErrorCode, text, u32, xorAddressAttr } from "../stun/stun-attributes.js";
import { longTermKey } from "../stun/stun-integrity.js";
import { newTransactionId, parseStun, serializeStun, verifyIntegrity } from "../stun/stun-message.js";
import { StunAttr, StunMethod, type StunAttribute, type StunMessage } from "../stun/stun-types.js";
import { UdpDemux } from "../udp-demux.js";
import { parseChannelData, serializeChannelData } from "./channel-data.js";
import { TurnAllocation } from "./turn-allocation.js";

const SERVER = { address: "203.0.113.1", port: 3478 };
const PEER = { address: "203.0.113.20", port: 5000 };
const RELAY = { family: 4 as const, address: "203.0.113.1", port: 49152 };

type Script = { password: string; staleOnce?: boolean; corruptFirst?: boolean };

function world(script: Script) {
  const clock = new FakeClock();
  let deliver: (msg: Buffer, rinfo: { address: string; port: number }) => void = () => undefined;
  const methods: number[] = [];
  const channelFrames: Uint8Array[] = [];
  let nonce = "n1";
  let stale = script.staleOnce ?? false;
  let corrupt = script.corruptFirst ?? false;
  const key = longTermKey("alice", "example.test", script.password);
  const answer = (req: StunMessage, cls: "success" | "error", attributes: StunAttribute[], withKey: boolean) =>
    queueMicrotask(() => {
      // The first keyed answer may carry an integrity made with another key (a forged or mangled answer).
      const signWith = corrupt && withKey ? longTermKey("alice", "example.test", "not-it") : key;
      if (withKey) corrupt = false;
      const bytes = serializeStun({ ...req, cls, attributes }, withKey ? { integrity: { key: signWith }, fingerprint: true } : { fingerprint: true });
      deliver(Buffer.from(bytes), SERVER);
    });
  const onRequest = (raw: Uint8Array) => {
    if ((raw[0] as number) >= 0x40) return channelFrames.push(raw);
    const r = parseStun(raw);
    if (!r.ok || r.stun.message.cls !== "request") return;
    const m = r.stun.message;
    methods.push(m.method);
    const challenge = (code: number, reason: string) =>
      answer(m, "error", [{ type: StunAttr.errorCode, value: encodeErrorCode({ code, reason }) }, { type: StunAttr.realm, value: text("example.test") }, { type: StunAttr.nonce, value: text(nonce) }], false);
    if (!attr(m, StunAttr.username)) return challenge(401, "Unauthorized");
    if (!verifyIntegrity(r.stun, key)) return challenge(401, "Unauthorized");
    if (stale) {
      stale = false;
      nonce = "n2";
      return challenge(438, "Stale Nonce");
    }
    if (attrText(m, StunAttr.nonce) !== nonce) return challenge(438, "Stale Nonce");
    const extra = m.method === StunMethod.allocate ? [xorAddressAttr(StunAttr.xorRelayedAddress, RELAY, m.transactionId), xorAddressAttr(StunAttr.xorMappedAddress, { family: 4, address: "203.0.113.5", port: 7000 }, m.transactionId)] : [];
    const lifetime = m.method === StunMethod.allocate || m.method === StunMethod.refresh ? [{ type: StunAttr.lifetime, value: u32(decodeU32(attr(m, StunAttr.lifetime) ?? new Uint8Array()) ?? 600) }] : [];
    answer(m, "success", [...extra, ...lifetime], true);
  };
  const socket = {
    on: (_e: "message", fn: typeof deliver) => (deliver = fn),
    send: (msg: Uint8Array) => onRequest(msg),
  };
  const demux = new UdpDemux(socket, clock);
  const fromServer = (b: Uint8Array) => deliver(Buffer.from(b), SERVER);
  return { clock, demux, methods, channelFrames, fromServer };
}

const allocate = (w: ReturnType<typeof world>, password = "secret", lifetimeSec?: number) =>
  TurnAllocation.allocate({ demux: w.demux, server: SERVER, credentials: { username: "alice", password }, clock: w.clock, keepAliveMs: 0, ...(lifetimeSec && { lifetimeSec }) });

describe("TURN allocation (RFC 8656) against a scripted server", () => {
  it("allocates after the 401 challenge and learns the relayed and mapped addresses", async () => {
    const w = world({ password: "secret" });
    const a = await allocate(w);
    expect(a.relayedAddress).toEqual(RELAY);
    expect(a.mappedAddress).toEqual({ family: 4, address: "203.0.113.5", port: 7000 });
    expect(w.methods).toEqual([StunMethod.allocate, StunMethod.allocate]);
    await a.close();
    expect(w.methods.at(-1)).toBe(StunMethod.refresh);
  });

  it("recovers from a 438 stale nonce with one retry", async () => {
    const w = world({ password: "secret", staleOnce: true });
    const a = await allocate(w);
    expect(a.staleNonces).toBe(1);
    expect(w.methods).toHaveLength(3);
  });

  it("rejects wrong credentials with a 401 TurnError after one authenticated try", async () => {
    const w = world({ password: "secret" });
    await expect(allocate(w, "wrong")).rejects.toMatchObject({ kind: "transport", code: 401 });
    expect(w.methods).toHaveLength(2);
  });

  it("drops an answer whose MESSAGE-INTEGRITY does not verify and keeps waiting for the retransmission's", async () => {
    const w = world({ password: "secret", corruptFirst: true });
    const pending = allocate(w);
    await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
    w.clock.advance(600);
    const a = await pending;
    expect(a.relayedAddress).toEqual(RELAY);
    expect(w.demux.transactions.dropped.refused).toBe(1);
  });

  it("delivers Data indications and ChannelData, drops bad ones, and sends by channel once bound", async () => {
    const w = world({ password: "secret" });
    const a = await allocate(w);
    const got: string[] = [];
    a.events.on("data", (d) => got.push(`${d.via}:${Buffer.from(d.bytes).toString()}`));
    const id = newTransactionId();
    const ind = (extra: StunAttribute[] = []) =>
      serializeStun({ method: StunMethod.data, cls: "indication", transactionId: id, attributes: [xorAddressAttr(StunAttr.xorPeerAddress, { family: 4, ...PEER }, id), { type: StunAttr.data, value: text("hi") }, ...extra] });
    w.fromServer(ind());
    w.fromServer(ind([{ type: 0x7f01, value: new Uint8Array(4) }]));
    await a.createPermission([PEER]);
    const channel = await a.bindChannel(PEER);
    a.send(PEER, text("out"));
    const frame = parseChannelData(w.channelFrames[0] as Uint8Array);
    expect(frame.ok && Buffer.from(frame.frame.data).toString()).toBe("out");
    w.fromServer(serializeChannelData({ channel, data: text("back") }));
    w.fromServer(serializeChannelData({ channel: channel + 1, data: text("nobody") }));
    w.fromServer(Uint8Array.of(0x40, 0x00, 0x00, 0x09, 1));
    expect(got).toEqual(["indication:hi", "channel:back"]);
    expect(a.dropped).toEqual({ "unknown-attribute": 1, "channel-unbound": 1, "channel-length": 1 });
    expect(decodeAddress(xorAddressAttr(StunAttr.xorPeerAddress, { family: 4, ...PEER }, id).value, { transactionId: id })).toEqual({ family: 4, ...PEER });
  });

  it("refreshes before the lifetime runs out", async () => {
    const w = world({ password: "secret" });
    const a = await allocate(w, "secret", 120);
    const before = w.methods.length;
    w.clock.advance(59_000);
    expect(w.methods.length).toBe(before);
    w.clock.advance(2_000);
    expect(w.methods.at(-1)).toBe(StunMethod.refresh);
    await a.close();
  });
});
