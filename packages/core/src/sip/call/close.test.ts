// UserAgentCore.close(): every call ends before it returns (RFC 3261 §9.1 CANCEL, §15.1.1 BYE, a 603
// to a ringing call), even one whose CANCEL must wait for a provisional that can no longer come.
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

describe("closing the user agent core", () => {
  it("ends a call that got no provisional yet as cancelled, at once", async () => {
    const { net, alice } = pair();
    const call = alice.core.call("sip:nobody@192.0.2.99");
    await net.settle();
    expect(call.state).toBe("calling");
    alice.core.close();
    expect(call.state).toBe("ended");
    expect(call.outcome).toEqual({ reason: "cancelled" });
    expect(alice.core.calls).toHaveLength(0);
  });

  it("ends an established call with a BYE, and a ringing one with CANCEL, before returning", async () => {
    const { net, alice, incoming } = pair();
    const talking = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    await incoming[0]!.answer();
    await net.settle();
    const ringing = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    expect([talking.state, ringing.state]).toEqual(["established", "ringing"]);
    alice.core.close();
    expect(talking.outcome).toEqual({ reason: "hangup", by: "local" });
    expect(ringing.outcome).toEqual({ reason: "cancelled" });
    await net.settle();
    expect(net.transcript()).toContain("BYE");
    expect(net.transcript()).toContain("CANCEL");
  });

  it("declines a ringing incoming call", async () => {
    const { net, alice, bob, incoming } = pair();
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    bob.core.close();
    expect(incoming[0]!.outcome).toMatchObject({ reason: "declined", status: 603 });
    await net.settle();
    expect(call.outcome).toMatchObject({ reason: "declined", status: 603 });
  });
});
