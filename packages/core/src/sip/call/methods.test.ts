// RFC 3261 §11.2 / §20.1 (one Allow, one Accept, one Supported header in our OPTIONS answers), §8.2.1 / §21.5.2
// (501 for a method we do not implement, 405 with Allow for one we know but refuse), in and out of dialogs;
// and the ring time-out (480 after CallConfig.ringTimeoutMs). Wire text asserted on the fake network.
import { describe, expect, it } from "vitest";
import { parseSipMessage, serializeSipMessage, type SipMessage, type SipRequest } from "../message/index.js";
import type { IncomingCall } from "./incoming-call.js";
import { FakeNetwork, ScriptedPeer, testUa } from "./testing.js";

const ALICE = { transport: "UDP", host: "192.0.2.1", port: 5060 };
const PEER = { transport: "UDP", host: "192.0.2.9", port: 5060 };

function request(method: string, opts: { toTag?: string; callId?: string; fromTag?: string; cseq?: number } = {}): SipRequest {
  const lines = [
    `${method} sip:alice@192.0.2.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK${method}${opts.toTag ?? ""}${opts.cseq ?? 1}`,
    "Max-Forwards: 70",
    `From: <sip:bob@192.0.2.9>;tag=${opts.fromTag ?? "pf"}`,
    `To: <sip:alice@192.0.2.1>${opts.toTag ? `;tag=${opts.toTag}` : ""}`,
    `Call-ID: ${opts.callId ?? "m-1"}`,
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    "Content-Length: 0",
  ];
  return parseSipMessage(lines.join("\r\n") + "\r\n\r\n") as SipRequest;
}

const wire = (m: SipMessage) => Buffer.from(serializeSipMessage(m)).toString("latin1");
const headerLines = (text: string, name: string) => text.split("\r\n").filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

/** The responses alice sent to the peer, as wire text. */
const answers = (net: FakeNetwork) => net.log.filter((e) => e.message.kind === "response" && e.to === "192.0.2.9:5060").map((e) => wire(e.message));

/** An established call from the scripted peer to alice: Call-ID c-1, alice's tag returned. */
async function callFromPeer(net: FakeNetwork, peer: ScriptedPeer, alice: ReturnType<typeof testUa>): Promise<string> {
  alice.core.events.on("incoming", (c) => void c.answer());
  const sdp = "v=0\r\no=bob 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
  const head = [
    "INVITE sip:alice@192.0.2.1 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKinv", "Max-Forwards: 70",
    "From: <sip:bob@192.0.2.9>;tag=pf", "To: <sip:alice@192.0.2.1>", "Call-ID: c-1", "CSeq: 1 INVITE",
    "Contact: <sip:bob@192.0.2.9:5060>", "Content-Type: application/sdp", `Content-Length: ${Buffer.byteLength(sdp)}`,
  ];
  const invite = parseSipMessage(`${head.join("\r\n")}\r\n\r\n${sdp}`);
  peer.send(invite, ALICE);
  await net.settle();
  const ok = peer.received.map((r) => r.message).find((m) => m.kind === "response" && m.status === 200)!;
  return ok.headers.to()!.tag!;
}

describe("OPTIONS answers (RFC 3261 §11.2)", () => {
  it("out of a dialog: one Allow, one Accept with a comma-separated list, one Supported", async () => {
    const net = new FakeNetwork();
    testUa(net, "alice", ALICE.host);
    const peer = new ScriptedPeer(net, PEER);
    peer.send(request("OPTIONS"), ALICE);
    await net.settle();
    const [text] = answers(net);
    expect(text!.split("\r\n")[0]).toBe("SIP/2.0 200 OK");
    expect(headerLines(text!, "Accept")).toEqual(["Accept: application/sdp, text/plain, message/sipfrag"]);
    expect(headerLines(text!, "Allow")).toEqual(["Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, REFER, NOTIFY, MESSAGE, INFO"]);
    expect(headerLines(text!, "Supported")).toEqual(["Supported: timer"]);
  });

  it("inside a dialog: the same single headers, with the dialog's tags", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", ALICE.host);
    const peer = new ScriptedPeer(net, PEER);
    const tag = await callFromPeer(net, peer, alice);
    peer.send(request("OPTIONS", { toTag: tag, callId: "c-1", cseq: 2 }), ALICE);
    await net.settle();
    const text = answers(net).at(-1)!;
    expect(text.split("\r\n")[0]).toBe("SIP/2.0 200 OK");
    expect(headerLines(text, "To")).toEqual([`To: <sip:alice@192.0.2.1>;tag=${tag}`]);
    expect(headerLines(text, "Accept")).toHaveLength(1);
    expect(headerLines(text, "Allow")).toHaveLength(1);
    expect(headerLines(text, "Supported")).toHaveLength(1);
  });
});

describe("methods we do not take (RFC 3261 §8.2.1)", () => {
  it("out of a dialog: an unknown method gets 501, a known one we do not allow gets 405 with Allow", async () => {
    const net = new FakeNetwork();
    testUa(net, "alice", ALICE.host);
    const peer = new ScriptedPeer(net, PEER);
    for (const [i, m] of ["FROBNICATE", "SUBSCRIBE", "PUBLISH", "REGISTER", "PRACK"].entries()) peer.send(request(m, { callId: `o-${i}` }), ALICE);
    await net.settle();
    const texts = answers(net);
    expect(texts.map((t) => t.split("\r\n")[0])).toEqual([
      "SIP/2.0 501 Not Implemented", "SIP/2.0 405 Method Not Allowed", "SIP/2.0 405 Method Not Allowed",
      "SIP/2.0 405 Method Not Allowed", "SIP/2.0 405 Method Not Allowed",
    ]);
    expect(headerLines(texts[0]!, "Allow")).toEqual([]);
    for (const t of texts.slice(1)) expect(headerLines(t, "Allow")).toEqual([expect.stringContaining("INVITE, ACK")]);
    expect(headerLines(texts[0]!, "To")[0]).toMatch(/;tag=/);
  });

  it("inside a dialog: 501 and 405 too (not 481), and the call goes on", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", ALICE.host);
    const peer = new ScriptedPeer(net, PEER);
    const tag = await callFromPeer(net, peer, alice);
    peer.send(request("FROBNICATE", { toTag: tag, callId: "c-1", cseq: 2 }), ALICE);
    peer.send(request("SUBSCRIBE", { toTag: tag, callId: "c-1", cseq: 3 }), ALICE);
    await net.settle();
    expect(answers(net).slice(-2).map((t) => t.split("\r\n")[0])).toEqual(["SIP/2.0 501 Not Implemented", "SIP/2.0 405 Method Not Allowed"]);
    expect(alice.core.calls[0]?.state).toBe("answering");
  });
});

describe("ring time-out (CallConfig.ringTimeoutMs)", () => {
  function ringing(config: { ringTimeoutMs?: number } = {}) {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2", { config });
    const incoming: IncomingCall[] = [];
    bob.core.events.on("incoming", (c) => incoming.push(c));
    const call = alice.core.call("sip:bob@192.0.2.2");
    return { net, call, incoming };
  }

  it("by default an unanswered call rings 60 s, then 480 Temporarily Unavailable ends it as no-answer", async () => {
    const { net, call, incoming } = ringing();
    await net.settle();
    await net.advance(59_500, 500);
    expect(incoming[0]!.state).toBe("ringing");
    await net.advance(1_000, 500);
    expect(net.transcript()).toEqual(["INVITE", "180", "480", "ACK"]);
    expect(incoming[0]!.outcome).toEqual({ reason: "no-answer" });
    expect(call.outcome).toEqual({ reason: "rejected", status: 480 });
  });

  it("a configured time-out applies; a call answered before it is not touched", async () => {
    const short = ringing({ ringTimeoutMs: 5_000 });
    await short.net.advance(5_100, 100);
    expect(short.incoming[0]!.outcome).toEqual({ reason: "no-answer" });
    const answered = ringing({ ringTimeoutMs: 5_000 });
    await answered.net.settle();
    await answered.incoming[0]!.answer();
    await answered.net.advance(10_000, 500);
    expect(answered.incoming[0]!.state).toBe("established");
    expect(answered.net.transcript()).not.toContain("480");
  });

  it("0 turns it off: the call rings until the caller cancels", async () => {
    const { net, call, incoming } = ringing({ ringTimeoutMs: 0 });
    await net.advance(120_000, 5_000);
    expect(incoming[0]!.state).toBe("ringing");
    call.hangup();
    await net.settle();
    expect(incoming[0]!.outcome).toEqual({ reason: "cancelled" });
  });
});
