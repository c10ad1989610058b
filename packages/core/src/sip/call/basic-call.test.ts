// RFC 3261 §13-§15 in memory: two user agents on a fake network, asserting the wire transcript.
import { describe, expect, it } from "vitest";
import type { IncomingCall } from "./incoming-call.js";
import { FakeNetwork, testUa } from "./testing.js";

function pair() {
  const net = new FakeNetwork();
  const alice = testUa(net, "alice", "192.0.2.1");
  const bob = testUa(net, "bob", "192.0.2.2");
  const incoming: IncomingCall[] = [];
  bob.core.events.on("incoming", (c) => incoming.push(c));
  return { net, alice, bob, incoming };
}

describe("a basic call", () => {
  it("INVITE 180 200 ACK, then BYE 200 from the caller", async () => {
    const { net, alice, bob, incoming } = pair();
    const call = alice.core.call("sip:bob@192.0.2.2");
    const states: string[] = [];
    call.events.on("state", ({ to }) => states.push(to));
    await net.settle();
    expect(incoming).toHaveLength(1);
    const callee = incoming[0]!;
    expect(callee.state).toBe("ringing");
    expect(call.state).toBe("ringing");
    await callee.answer();
    await net.settle();
    expect(call.state).toBe("established");
    expect(callee.state).toBe("established");
    expect(alice.medias[0]!.applied[0]).toContain("o=bob");
    call.hangup();
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "200", "ACK", "BYE", "200"]);
    expect(states).toEqual(["ringing", "established", "ending", "ended"]);
    expect(call.outcome).toEqual({ reason: "hangup", by: "local" });
    expect(callee.outcome).toEqual({ reason: "hangup", by: "remote" });
    expect(alice.medias[0]!.closed && bob.medias[0]!.closed).toBe(true);
    expect(alice.core.calls).toHaveLength(0);
    expect(bob.core.calls).toHaveLength(0);
  });

  it("the callee hangs up", async () => {
    const { net, alice, incoming } = pair();
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    await incoming[0]!.answer();
    await net.settle();
    incoming[0]!.hangup();
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "200", "ACK", "BYE", "200"]);
    expect(call.outcome).toEqual({ reason: "hangup", by: "remote" });
    expect(incoming[0]!.outcome).toEqual({ reason: "hangup", by: "local" });
    expect(alice.core.calls).toHaveLength(0);
  });

  it("486 busy is data", async () => {
    const { net, alice, incoming } = pair();
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    incoming[0]!.reject(486);
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "486", "ACK"]);
    expect(call.outcome).toEqual({ reason: "busy", status: 486 });
  });

  it("603 is declined, 404 rejected with its status", async () => {
    for (const [status, end] of [[603, { reason: "declined", status: 603 }], [404, { reason: "rejected", status: 404 }]] as const) {
      const { net, alice, incoming } = pair();
      const call = alice.core.call("sip:bob@192.0.2.2");
      await net.settle();
      incoming[0]!.reject(status);
      await net.settle();
      expect(call.outcome).toEqual(end);
    }
  });

  it("CANCEL before the answer: INVITE 180 CANCEL 200 487 ACK", async () => {
    const { net, alice, incoming } = pair();
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    call.hangup();
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "CANCEL", "200", "487", "ACK"]);
    expect(call.outcome).toEqual({ reason: "cancelled" });
    expect(incoming[0]!.outcome).toEqual({ reason: "cancelled" });
  });

  it("the 2xx is resent until the ACK comes (RFC 3261 §13.3.1.4)", async () => {
    const { net, alice, incoming } = pair();
    let lost = 0;
    net.drop = (m) => m.kind === "request" && m.method === "ACK" && lost++ < 2;
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    await incoming[0]!.answer();
    await net.settle();
    expect(incoming[0]!.state).toBe("answering");
    await net.advance(500);
    expect(incoming[0]!.state).toBe("answering");
    await net.advance(1000);
    expect(incoming[0]!.state).toBe("established");
    expect(call.state).toBe("established");
    expect(net.transcript()).toEqual(["INVITE", "180", "200", "200", "200", "ACK"]);
  });

  it("no ACK within 64*T1: BYE, the call ends as no-ack", async () => {
    const { net, alice, incoming } = pair();
    net.drop = (m) => m.kind === "request" && m.method === "ACK";
    alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    await incoming[0]!.answer();
    await net.advance(33_000, 500);
    expect(incoming[0]!.outcome).toEqual({ reason: "no-ack" });
    expect(net.transcript()).toContain("BYE");
  });

  it("timeout and unreachable are data", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const call = alice.core.call("sip:nobody@192.0.2.99");
    await net.settle();
    await net.advance(33_000, 1000);
    expect(call.outcome).toEqual({ reason: "timeout" });
    const lost = alice.core.call("tel:+15550100");
    await net.settle();
    expect(lost.outcome).toEqual({ reason: "unreachable" });
  });
});
