// RFC 3261 §8.2 (UAS checks: 400, 405), §12.2.2 (481), §9.2 (CANCEL without INVITE), §22.2 (401 then 200),
// RFC 6993 (Call-Info in a re-INVITE), call forwarding when busy: bad or unexpected input answered, never thrown.
import { describe, expect, it } from "vitest";
import { parseSipMessage, type SipRequest } from "../message/index.js";
import type { IncomingCall } from "./incoming-call.js";
import { FakeNetwork, fakeSdp, ScriptedPeer, testUa } from "./testing.js";

const ALICE = { transport: "UDP", host: "192.0.2.1", port: 5060 };
const PEER = { transport: "UDP", host: "192.0.2.9", port: 5060 };

function raw(method: string, extra: string[] = [], toTag = ""): SipRequest {
  const lines = [
    `${method} sip:alice@192.0.2.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK${method}${toTag}${extra.length}`,
    "Max-Forwards: 70",
    "From: <sip:bob@192.0.2.9>;tag=pf",
    `To: <sip:alice@192.0.2.1>${toTag ? `;tag=${toTag}` : ""}`,
    "Call-ID: r-1",
    `CSeq: 5 ${method}`,
    ...extra,
    "Content-Length: 0",
  ];
  return parseSipMessage(lines.join("\r\n") + "\r\n\r\n") as SipRequest;
}

describe("unexpected requests are answered", () => {
  it("in-dialog request for no dialog: 481; unknown method: 405 with Allow; CANCEL for nothing: 481", async () => {
    const net = new FakeNetwork();
    testUa(net, "alice", "192.0.2.1");
    const peer = new ScriptedPeer(net, PEER);
    peer.send(raw("BYE", [], "nope"), ALICE);
    peer.send(raw("SUBSCRIBE", ["Event: presence", "Contact: <sip:bob@192.0.2.9>"]), ALICE);
    peer.send(raw("CANCEL"), ALICE);
    await net.settle();
    const answers = net.log.filter((e) => e.message.kind === "response").map((e) => e.message);
    expect(answers.map((m) => (m.kind === "response" ? m.status : 0))).toEqual([481, 405, 481]);
    expect(answers[1]!.headers.get("Allow")).toContain("INVITE");
  });

  it("an INVITE with malformed Session-Expires and Call-Info still rings and is answered (those headers ignored)", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const peer = new ScriptedPeer(net, PEER);
    const incoming: IncomingCall[] = [];
    alice.core.events.on("incoming", (c) => incoming.push(c));
    peer.send(raw("INVITE", ["Contact: <sip:bob@192.0.2.9>", "Session-Expires: soon", "Call-Info: no-brackets;purpose=impp"]), ALICE);
    await net.settle();
    expect(incoming[0]!.remoteCallInfo).toEqual([]);
    expect(await incoming[0]!.answer()).toBe(true);
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "200"]);
    expect(net.log.at(-1)!.message.headers.has("Session-Expires")).toBe(false);
  });

  it("an INVITE requiring an extension we lack gets 420 with Unsupported (RFC 3261 §8.2.2.3)", async () => {
    const net = new FakeNetwork();
    testUa(net, "alice", "192.0.2.1");
    const peer = new ScriptedPeer(net, PEER);
    peer.send(raw("INVITE", ["Contact: <sip:bob@192.0.2.9>", "Require: 100rel"]), ALICE);
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "420"]);
    expect(net.log.at(-1)!.message.headers.get("Unsupported")).toBe("100rel");
  });

  it("a malformed Refer-To gets 400, a NOTIFY of another event 489", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2");
    bob.core.events.on("incoming", (c) => void c.answer());
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    expect(call.state).toBe("established");
    call.sendInDialog("REFER", { headers: [["Refer-To", "<sip:carol@"]] });
    call.sendInDialog("NOTIFY", { headers: [["Event", "dialog"], ["Subscription-State", "active"]] });
    await net.settle();
    expect(net.transcript().slice(-4)).toEqual(["REFER", "NOTIFY", "400", "489"]);
  });
});

describe("more call set-ups", () => {
  it("401 then 200: the INVITE is retried with Authorization and the call is up", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1", { credentials: { username: "alice", password: "pw" } });
    const peer = new ScriptedPeer(net, PEER);
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    peer.reply(peer.request("INVITE"), 401, { toTag: "u", headers: [["WWW-Authenticate", 'Digest realm="biloxi", nonce="n", qop="auth"']] });
    await net.settle();
    const retry = peer.requests("INVITE")[1]!;
    expect(retry.headers.get("Authorization")).toMatch(/^Digest username="alice", realm="biloxi"/);
    peer.reply(retry, 200, { toTag: "b", contact: "<sip:bob@192.0.2.9>", body: { contentType: "application/sdp", body: fakeSdp("bob", "sendrecv") } });
    await net.settle();
    expect(call.state).toBe("established");
    expect(net.transcript()).toEqual(["INVITE", "401", "ACK", "INVITE", "200", "ACK"]);
  });

  it("forwarding when busy: 302 instead of 486", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2", { config: { maxCalls: 0, forward: { when: "busy", target: "sip:carol@192.0.2.3" } } });
    const carol = testUa(net, "carol", "192.0.2.3");
    carol.core.events.on("incoming", (c) => void c.answer());
    const call = alice.core.call("sip:bob@192.0.2.2");
    await net.settle();
    expect(call.state).toBe("established");
    expect(net.transcript().slice(0, 3)).toEqual(["INVITE", "302", "ACK"]);
    expect(bob.core.calls).toHaveLength(0);
  });

  it("renegotiate sends a re-INVITE with the new Call-Info, read by the peer", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2");
    const incoming: IncomingCall[] = [];
    bob.core.events.on("incoming", (c) => {
      incoming.push(c);
      void c.answer({ callInfo: ["<xmpp:bob@example.net>;purpose=impp"] });
    });
    const call = alice.core.call("sip:bob@192.0.2.2", { callInfo: ["<xmpp:alice@example.com/a>;purpose=impp"] });
    await net.settle();
    expect(call.remoteCallInfo[0]?.uri).toBe("xmpp:bob@example.net");
    expect(incoming[0]!.remoteCallInfo[0]?.uri).toBe("xmpp:alice@example.com/a");
    expect(await call.renegotiate({ callInfo: ["<xmpp:alice@example.com/b>;purpose=impp"] })).toBe(true);
    expect(incoming[0]!.remoteCallInfo[0]?.uri).toBe("xmpp:alice@example.com/b");
  });
});

describe("listeners that throw", () => {
  it("do not stop the call: it still rings, answers and ends", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1");
    const bob = testUa(net, "bob", "192.0.2.2");
    bob.core.events.on("incoming", () => {
      throw new Error("app bug");
    });
    const calls: IncomingCall[] = [];
    bob.core.events.on("incoming", (c) => calls.push(c));
    const call = alice.core.call("sip:bob@192.0.2.2");
    call.events.on("state", () => {
      throw new Error("app bug");
    });
    await net.settle();
    await calls[0]!.answer();
    await net.settle();
    call.hangup();
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "200", "ACK", "BYE", "200"]);
    expect(call.outcome).toEqual({ reason: "hangup", by: "local" });
  });
});
