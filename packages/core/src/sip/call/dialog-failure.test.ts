// RFC 3261 §13.3.1.4 (no ACK), §12.2.1.2 and RFC 5057 §5.1 (failures of our requests inside a dialog): a call never
// stays stuck; what ends the call and what only fails the request, with the warnings logged. Fake network and clock.
import { describe, expect, it } from "vitest";
import { parseSipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import { judgeInDialog } from "./dialog-failure.js";
import type { IncomingCall } from "./incoming-call.js";
import type { OutgoingCall } from "./outgoing-call.js";
import { FakeNetwork, fakeSdp, ScriptedPeer, testUa } from "./testing.js";

const PEER = { transport: "UDP", host: "192.0.2.9", port: 5060 };
const PEER_CONTACT = "sip:bob@192.0.2.9:5060";

const status = (s: number) => parseSipMessage(`SIP/2.0 ${s} X\r\nContent-Length: 0\r\n\r\n`) as SipResponse;

/** alice calls a scripted bob, who answers 200; the call is established. */
async function established() {
  const net = new FakeNetwork();
  const alice = testUa(net, "alice", "192.0.2.1");
  const peer = new ScriptedPeer(net, PEER);
  const call = alice.core.call("sip:bob@192.0.2.9");
  await net.settle();
  peer.reply(peer.request("INVITE"), 200, { toTag: "b1", contact: `<${PEER_CONTACT}>`, body: { contentType: "application/sdp", body: fakeSdp("bob", "sendrecv") } });
  await net.settle();
  expect(call.state).toBe("established");
  return { net, alice, peer, call };
}

/** Puts the call on hold; the peer answers the re-INVITE with `code` (or never). */
async function holdAnswered(w: Awaited<ReturnType<typeof established>>, code: number | undefined): Promise<boolean> {
  const hold = w.call.putOnHold();
  await w.net.settle();
  const reinvite = w.peer.requests("INVITE")[1] as SipRequest;
  if (code === undefined) await w.net.advance(33_000, 1_000);
  else w.peer.reply(reinvite, code, code === 478 ? { reason: "Unresolvable destination" } : {});
  await w.net.settle();
  return hold;
}

const warnings = (w: { alice: { records: { level: string; msg: string; fields?: Record<string, unknown> }[] } }) => w.alice.records.filter((r) => r.level === "warn");

describe("RFC 5057 §5.1: what a failure to our in-dialog request means", () => {
  it("481 and 408 (or no response) end the dialog for any method; usage-ending statuses only for BYE, INVITE, UPDATE, REFER", () => {
    expect(judgeInDialog("INFO", status(481))).toBe("dialog-gone");
    expect(judgeInDialog("NOTIFY", status(408))).toBe("dialog-gone");
    expect(judgeInDialog("MESSAGE", undefined)).toBe("dialog-gone");
    for (const s of [404, 410, 416, 480, 482, 483, 484, 485, 489, 604]) {
      expect(judgeInDialog("INVITE", status(s))).toBe("dialog-gone");
      expect(judgeInDialog("INFO", status(s))).toBe("transaction-only");
    }
    for (const s of [478, 488, 500, 503, 603, 491, 415]) expect(judgeInDialog("INVITE", status(s))).toBe("transaction-only");
    expect(judgeInDialog("UPDATE", status(200))).toBe("ok");
  });

  it("478 to a hold re-INVITE: hold returns false with the reason, the call goes on, a warning names the Request-URI", async () => {
    const w = await established();
    expect(await holdAnswered(w, 478)).toBe(false);
    expect(w.call.state).toBe("established");
    expect(w.call.hold.local).toBe(false);
    expect(w.call.lastUpdateFailure).toEqual({ method: "INVITE", status: 478, reason: "478 Unresolvable destination" });
    const [warn] = warnings(w);
    expect(warn?.msg).toBe("in-dialog INVITE failed: 478 Unresolvable destination");
    expect(warn?.fields).toMatchObject({ status: 478, phrase: "Unresolvable destination", requestUri: PEER_CONTACT, ends: false });
    // The session still works: the next hold goes through.
    const again = w.call.putOnHold();
    await w.net.settle();
    w.peer.reply(w.peer.requests("INVITE")[2]!, 200, { body: { contentType: "application/sdp", body: fakeSdp("bob", "recvonly") } });
    await w.net.settle();
    expect(await again).toBe(true);
    expect(w.call.lastUpdateFailure).toBeUndefined();
  });

  it("404 to a re-INVITE (RFC 5057: the invite usage is over): hold false, BYE, the call ends dialog-failed", async () => {
    const w = await established();
    expect(await holdAnswered(w, 404)).toBe(false);
    expect(w.call.state).toBe("ended");
    expect(w.call.outcome).toEqual({ reason: "dialog-failed", method: "INVITE", status: 404 });
    expect(w.net.transcript().slice(-4)).toEqual(["INVITE", "404", "ACK", "BYE"]);
    expect(warnings(w)[0]?.msg).toBe("in-dialog INVITE failed: 404 Not Found; the call ends");
  });

  it("no response at all to a re-INVITE: the call ends (RFC 3261 §12.2.1.2)", async () => {
    const w = await established();
    expect(await holdAnswered(w, undefined)).toBe(false);
    expect(w.call.outcome).toEqual({ reason: "dialog-failed", method: "INVITE" });
  });

  it("a BYE answered 478 still ends the call: never stuck in ending", async () => {
    const w = await established();
    w.call.hangup();
    await w.net.settle();
    expect(w.call.state).toBe("ending");
    w.peer.reply(w.peer.request("BYE"), 478, { reason: "Unresolvable destination" });
    await w.net.settle();
    expect(w.call.state).toBe("ended");
    expect(w.call.outcome).toEqual({ reason: "hangup", by: "local" });
    expect(warnings(w)[0]?.fields).toMatchObject({ method: "BYE", status: 478, requestUri: PEER_CONTACT });
  });

  it("a BYE that is never answered ends the call after the transaction time-out", async () => {
    const w = await established();
    w.call.hangup();
    await w.net.advance(33_000, 1_000);
    expect(w.call.state).toBe("ended");
    expect(warnings(w)[0]?.msg).toBe("in-dialog BYE failed: no response (timeout); the call ends");
  });

  it("a REFER answered 481 ends the call; one answered 488 does not", async () => {
    const w = await established();
    const first = w.call.transfer("sip:carol@192.0.2.3");
    await w.net.settle();
    w.peer.reply(w.peer.request("REFER"), 488);
    expect(await first).toEqual({ accepted: false, status: 488 });
    expect(w.call.state).toBe("established");
    const second = w.call.transfer("sip:carol@192.0.2.3");
    await w.net.settle();
    w.peer.reply(w.peer.requests("REFER")[1]!, 481);
    expect(await second).toEqual({ accepted: false, status: 481 });
    await w.net.settle();
    expect((w.call as OutgoingCall).outcome).toEqual({ reason: "dialog-failed", method: "REFER", status: 481 });
  });
});

describe("RFC 3261 §13.3.1.4: no ACK for our 2xx", () => {
  it("warns that the ACK could not reach our Contact, sends BYE and ends the call as no-ack", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2");
    net.drop = (m) => m.kind === "request" && m.method === "ACK";
    const calls: IncomingCall[] = [];
    bob.core.events.on("incoming", (c) => calls.push(c));
    alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    await calls[0]!.answer();
    await net.advance(31_000, 500);
    expect(calls[0]!.state).toBe("answering");
    await net.advance(1_500, 500);
    expect(calls[0]!.outcome).toEqual({ reason: "no-ack" });
    expect(net.transcript().filter((l) => l === "BYE")).toHaveLength(1);
    const warn = bob.records.find((r) => r.level === "warn");
    expect(warn?.msg).toBe("no ACK for our 200: the peer or a proxy could not reach our Contact <sip:bob@192.0.2.2:5060>");
  });
});

describe("RFC 3261 §9.1: a CANCEL that is never followed by a final response", () => {
  it("the call counts as cancelled 64*T1 after the CANCEL, never stuck in cancelling", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const peer = new ScriptedPeer(net, PEER);
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    peer.reply(peer.request("INVITE"), 180, { toTag: "b1" });
    await net.settle();
    call.hangup();
    await net.settle();
    peer.reply(peer.request("CANCEL"), 200, {});
    await net.advance(31_000, 1_000);
    expect(call.state).toBe("cancelling");
    await net.advance(2_000, 500);
    expect(call.outcome).toEqual({ reason: "cancelled" });
    expect(alice.records.some((r) => r.level === "warn" && r.msg.startsWith("no final response to our cancelled INVITE"))).toBe(true);
  });
});
