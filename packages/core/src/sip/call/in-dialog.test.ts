// RFC 3261 §14 (re-INVITE, glare), RFC 3264 §8.4 (hold), RFC 3515 (REFER), RFC 3428 (MESSAGE), §11 (OPTIONS), in memory.
import { describe, expect, it } from "vitest";
import { buildRequest } from "../dialog/index.js";
import { parseSipUri } from "../message/index.js";
import type { IncomingCall } from "./incoming-call.js";
import { FakeNetwork, testUa } from "./testing.js";
import type { OutgoingCall } from "./outgoing-call.js";

async function established(net: FakeNetwork, from: ReturnType<typeof testUa>, to: ReturnType<typeof testUa>) {
  const incoming: IncomingCall[] = [];
  const off = to.core.events.on("incoming", (c) => incoming.push(c));
  const call = from.core.call(`sip:${to.name}@${to.address.host}`);
  await net.settle();
  off();
  await incoming[0]!.answer();
  await net.settle();
  expect(call.state).toBe("established");
  return { call, callee: incoming[0]! };
}

function three() {
  const net = new FakeNetwork();
  return {
    net,
    alice: testUa(net, "alice", "192.0.2.1"),
    bob: testUa(net, "bob", "192.0.2.2"),
    carol: testUa(net, "carol", "192.0.2.3"),
  };
}

describe("inside a call", () => {
  it("hold and resume by re-INVITE (sendonly, then sendrecv)", async () => {
    const { net, alice, bob } = three();
    const { call, callee } = await established(net, alice, bob);
    const holds: unknown[] = [];
    callee.events.on("hold", (h) => holds.push(h));
    expect(await call.putOnHold()).toBe(true);
    expect(call.hold).toEqual({ local: true, remote: false });
    expect(callee.hold).toEqual({ local: false, remote: true });
    expect(alice.medias[0]!.offers).toEqual(["sendrecv", "sendonly"]);
    expect(alice.medias[0]!.applied.at(-1)).toContain("a=recvonly");
    await call.resume();
    await net.settle();
    expect(callee.hold.remote).toBe(false);
    expect(holds).toEqual([{ local: false, remote: true }, { local: false, remote: false }]);
    expect(net.transcript().slice(4)).toEqual(["INVITE", "200", "ACK", "INVITE", "200", "ACK"]);
    // CSeq grows inside the dialog.
    const reinvites = net.log.filter((e) => e.message.kind === "request" && e.message.method === "INVITE").map((e) => e.message.headers.cseq()!.seq);
    expect(reinvites[1]! + 1).toBe(reinvites[2]);
  });

  it("glare: both re-INVITE at once, both get 491, both retry after the §14.1 interval", async () => {
    const { net, alice, bob } = three();
    const { call, callee } = await established(net, alice, bob);
    const a = call.putOnHold();
    const b = callee.putOnHold();
    await net.settle();
    expect(net.transcript().filter((l) => l === "491")).toHaveLength(2);
    // bob (not the Call-ID owner) retries within 0-2 s, alice within 2.1-4 s.
    await net.advance(1100);
    expect(callee.hold.local).toBe(true);
    expect(call.hold.local).toBe(false);
    await net.advance(2100);
    expect(await a).toBe(true);
    expect(await b).toBe(true);
    expect(call.hold).toEqual({ local: true, remote: true });
  });

  it("a hold right after the peer's re-INVITE waits for that re-INVITE's ACK instead of failing (RFC 3261 §14.1)", async () => {
    const { net, alice, bob } = three();
    const { call, callee } = await established(net, alice, bob);
    let acks = 0;
    // The first ACK of alice's re-INVITE is lost: bob's 2xx is resent after T1 and ACKed then.
    net.drop = (m) => m.kind === "request" && m.method === "ACK" && ++acks === 1;
    expect(await call.putOnHold()).toBe(true);
    expect(callee.hold.remote).toBe(true);
    const held = callee.putOnHold();
    await net.settle();
    expect(net.transcript().filter((l) => l === "INVITE")).toHaveLength(2);
    await net.advance(600);
    expect(await held).toBe(true);
    expect(callee.hold.local).toBe(true);
    expect(net.transcript().slice(-5)).toEqual(["200", "ACK", "INVITE", "200", "ACK"]);
  });

  it("an out-of-order CSeq gets 500 (RFC 3261 §12.2.2)", async () => {
    const { net, alice, bob } = three();
    const { call } = await established(net, alice, bob);
    const dialog = call.dialog!;
    dialog.localSeq = 0;
    await call.sendDtmf("1");
    call.sendInDialog("INFO", {});
    await net.settle();
    expect(net.transcript().at(-1)).toBe("500");
    expect(alice.medias[0]!.dtmf).toEqual(["1"]);
  });

  it("blind transfer: REFER, 202, NOTIFY 100, the new call, NOTIFY 200, original ended", async () => {
    const { net, alice, bob, carol } = three();
    const { call, callee } = await established(net, alice, bob);
    const placed: OutgoingCall[] = [];
    bob.core.events.on("transferred", ({ call: c }) => placed.push(c));
    const carolCalls: IncomingCall[] = [];
    carol.core.events.on("incoming", (c) => carolCalls.push(c));
    const progress: number[] = [];
    call.events.on("transfer", (p) => progress.push(p.status));
    const result = call.transfer("sip:carol@192.0.2.3");
    await net.settle();
    expect(await result).toEqual({ accepted: true });
    expect(placed).toHaveLength(1);
    await carolCalls[0]!.answer();
    await net.settle();
    expect(placed[0]!.state).toBe("established");
    expect(progress).toEqual([100, 200]);
    expect(callee.outcome).toEqual({ reason: "transferred" });
    expect(call.outcome).toEqual({ reason: "transferred" });
    const lines = net.transcript();
    expect(lines.slice(4, 7)).toEqual(["REFER", "202", "NOTIFY"]);
    expect(lines.filter((l) => l === "NOTIFY")).toHaveLength(2);
    const notify = net.log.filter((e) => e.message.kind === "request" && e.message.method === "NOTIFY").at(-1)!.message;
    expect(notify.headers.get("Subscription-State")).toMatch(/^terminated/);
    expect(Buffer.from(notify.body).toString()).toBe("SIP/2.0 200 OK\r\n");
  });

  it("a failed transfer is notified with the failure status and the call stays up", async () => {
    const { net, alice, bob, carol } = three();
    const { call, callee } = await established(net, alice, bob);
    carol.core.events.on("incoming", (c) => c.reject(486));
    const progress: number[] = [];
    call.events.on("transfer", (p) => progress.push(p.status));
    await call.transfer("sip:carol@192.0.2.3");
    await net.settle();
    expect(progress).toEqual([100, 486]);
    expect(call.state).toBe("established");
    expect(callee.state).toBe("established");
  });
});

describe("outside calls", () => {
  it("MESSAGE both ways: 200 and a message event", async () => {
    const { net, alice, bob } = three();
    const got: string[] = [];
    bob.core.events.on("message", (m) => got.push(`${m.contentType}:${m.body}`));
    alice.core.events.on("message", (m) => got.push(`${m.contentType}:${m.body}`));
    const sent = alice.core.sendMessage("sip:bob@192.0.2.2", "hello bob");
    await net.settle();
    expect(await sent).toEqual({ ok: true, status: 200 });
    await bob.core.sendMessage("sip:alice@192.0.2.1", "hi alice");
    await net.settle();
    expect(got).toEqual(["text/plain:hello bob", "text/plain:hi alice"]);
    expect(net.transcript()).toEqual(["MESSAGE", "200", "MESSAGE", "200"]);
  });

  it("a MESSAGE inside a call is answered 200 and surfaced too", async () => {
    const { net, alice, bob } = three();
    const { call } = await established(net, alice, bob);
    const got: string[] = [];
    bob.core.events.on("message", (m) => got.push(m.body));
    call.sendInDialog("MESSAGE", { body: { contentType: "text/plain", body: "in call" } });
    await net.settle();
    expect(got).toEqual(["in call"]);
    expect(net.transcript().slice(-2)).toEqual(["MESSAGE", "200"]);
  });

  it("OPTIONS is answered with Allow, Accept and Supported", async () => {
    const { net, alice } = three();
    const results: string[] = [];
    const options = buildRequest({
      method: "OPTIONS", uri: parseSipUri("sip:bob@192.0.2.2"), from: "<sip:alice@192.0.2.1>;tag=1", to: "<sip:bob@192.0.2.2>",
      callId: "o1", cseq: 1, via: alice.core.ctx.via(),
    });
    alice.core.ctx.request(options, {
      onResponse: (r) => results.push(`${r.status} ${r.headers.getAll("Allow").join(", ")} | ${r.headers.getAll("Accept").join(", ")} | ${r.headers.get("Supported")}`),
      onFailure: () => results.push("failed"),
    });
    await net.settle();
    expect(results).toEqual(["200 INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, REFER, NOTIFY, MESSAGE, INFO | application/sdp, text/plain, message/sipfrag | timer"]);
  });

  it("call waiting: a second call is presented while one is up; hold one, answer the other", async () => {
    const { net, alice, bob, carol } = three();
    const { callee } = await established(net, alice, bob);
    const second: IncomingCall[] = [];
    bob.core.events.on("incoming", (c) => second.push(c));
    const fromCarol = carol.core.call("sip:bob@192.0.2.2");
    await net.settle();
    expect(second[0]!.state).toBe("ringing");
    expect(await callee.putOnHold()).toBe(true);
    await second[0]!.answer();
    await net.settle();
    expect(fromCarol.state).toBe("established");
    expect(bob.core.calls).toHaveLength(2);
  });

  it("beyond max-calls a new INVITE gets 486", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2", { config: { maxCalls: 1 } });
    const carol = testUa(net, "carol", "192.0.2.3");
    await established(net, alice, bob);
    const busy = carol.core.call("sip:bob@192.0.2.2");
    await net.settle();
    expect(busy.outcome).toEqual({ reason: "busy", status: 486 });
  });

  it("call forwarding: always, when busy, and after N seconds unanswered (302, followed)", async () => {
    for (const forward of [
      { when: "always", target: "sip:carol@192.0.2.3" },
      { when: "no-answer", target: "sip:carol@192.0.2.3", afterSeconds: 5 },
    ] as const) {
      const net = new FakeNetwork();
      const alice = testUa(net, "alice", "192.0.2.1");
      const bob = testUa(net, "bob", "192.0.2.2", { config: { forward } });
      const carol = testUa(net, "carol", "192.0.2.3");
      const atCarol: IncomingCall[] = [];
      carol.core.events.on("incoming", (c) => atCarol.push(c));
      const bobCalls: IncomingCall[] = [];
      bob.core.events.on("incoming", (c) => bobCalls.push(c));
      const call = alice.core.call("sip:bob@192.0.2.2");
      await net.settle();
      if (forward.when === "no-answer") {
        expect(bobCalls[0]!.state).toBe("ringing");
        await net.advance(5000, 1000);
        expect(bobCalls[0]!.outcome).toEqual({ reason: "forwarded", target: "sip:carol@192.0.2.3" });
      }
      expect(atCarol).toHaveLength(1);
      await atCarol[0]!.answer();
      await net.settle();
      expect(call.state).toBe("established");
      expect(net.transcript()).toContain("302");
    }
  });
});
