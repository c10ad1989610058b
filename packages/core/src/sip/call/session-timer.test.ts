// RFC 4028 (session timers when the peer asks), RFC 3311 (UPDATE received), RFC 3428 with 401, against a scripted peer.
import { describe, expect, it } from "vitest";
import { buildRequest, Dialog } from "../dialog/index.js";
import { parseSipUri, type SipRequest, type SipResponse } from "../message/index.js";
import { newBranch } from "../transaction/index.js";
import type { IncomingCall } from "./incoming-call.js";
import { FakeNetwork, fakeSdp, ScriptedPeer, testUa } from "./testing.js";

const PEER = { transport: "UDP", host: "192.0.2.9", port: 5060 };
const PEER_VIA = { transport: "UDP", host: "192.0.2.9", port: 5060 };
const sdp = (name: string, dir: "sendrecv" | "sendonly" = "sendrecv") => ({ contentType: "application/sdp", body: fakeSdp(name, dir) });

function setup() {
  const net = new FakeNetwork();
  const alice = testUa(net, "alice", "192.0.2.1");
  const peer = new ScriptedPeer(net, PEER);
  return { net, alice, peer };
}

/** Alice calls the peer, which answers 200 with `headers`. */
async function callPeer(headers: [string, string][]) {
  const s = setup();
  const call = s.alice.core.call("sip:bob@192.0.2.9");
  await s.net.settle();
  const invite = s.peer.request("INVITE");
  expect(invite.headers.get("Supported")).toBe("timer");
  s.peer.reply(invite, 200, { toTag: "p", contact: "<sip:bob@192.0.2.9>", headers, body: sdp("bob") });
  await s.net.settle();
  expect(call.state).toBe("established");
  const dialog = Dialog.asUas(invite, "p", "confirmed");
  return { ...s, call, invite, dialog };
}

/** The peer's INVITE to alice, with extra headers. */
function peerInvite(extra: [string, string][]): SipRequest {
  return buildRequest({
    method: "INVITE", uri: parseSipUri("sip:alice@192.0.2.1"), from: "<sip:bob@192.0.2.9>;tag=pf", to: "<sip:alice@192.0.2.1>",
    callId: "st-1", cseq: 1, via: PEER_VIA, contact: "<sip:bob@192.0.2.9>", headers: extra, body: sdp("bob"),
  }, newBranch());
}

describe("session timers (RFC 4028)", () => {
  it("we are the refresher (refresher=uac in the 200): UPDATE at half the interval", async () => {
    const { net, peer, call } = await callPeer([["Session-Expires", "120;refresher=uac"], ["Allow", "INVITE, ACK, BYE, UPDATE"]]);
    expect(call.sessionTimer.interval).toBe(120);
    await net.advance(59_000, 1000);
    expect(peer.requests("UPDATE")).toHaveLength(0);
    await net.advance(1000);
    const update = peer.request("UPDATE");
    expect(update.headers.get("Session-Expires")).toBe("120;refresher=uac");
    peer.reply(update, 200, { headers: [["Session-Expires", "120;refresher=uac"]] });
    await net.advance(60_000, 1000);
    expect(peer.requests("UPDATE")).toHaveLength(2);
    expect(call.state).toBe("established");
  });

  it("without UPDATE in Allow the refresh is a re-INVITE", async () => {
    const { net, peer, call } = await callPeer([["Session-Expires", "90;refresher=uac"]]);
    await net.advance(45_000, 1000);
    expect(peer.requests("INVITE")).toHaveLength(2);
    expect(call.state).toBe("established");
  });

  it("the peer refreshes (refresher=uas); when no refresh comes we send BYE", async () => {
    const { net, peer, call, dialog } = await callPeer([["Session-Expires", "120;refresher=uas"]]);
    await net.advance(60_000, 1000);
    // A refresh UPDATE from the peer restarts the timer.
    const update = dialog.createRequest("UPDATE", { via: PEER_VIA, headers: [["Session-Expires", "120;refresher=uac"]] });
    peer.send(update, { transport: "UDP", host: "192.0.2.1", port: 5060 });
    await net.settle();
    expect(net.transcript().at(-1)).toBe("200");
    const answered = net.log.at(-1)!.message;
    expect(answered.headers.get("Session-Expires")).toBe("120;refresher=uac");
    await net.advance(87_000, 1000);
    expect(call.state).toBe("established");
    await net.advance(2000, 1000);
    expect(call.outcome).toEqual({ reason: "session-expired" });
    expect(peer.requests("BYE").length).toBeGreaterThan(0);
  });

  it("an INVITE asking less than our Min-SE gets 422 with Min-SE", async () => {
    const { net, alice, peer } = setup();
    const incoming: IncomingCall[] = [];
    alice.core.events.on("incoming", (c) => incoming.push(c));
    peer.send(peerInvite([["Session-Expires", "30"], ["Supported", "timer"]]), { transport: "UDP", host: "192.0.2.1", port: 5060 });
    await net.settle();
    await incoming[0]!.answer();
    await net.settle();
    const last = net.log.at(-1)!.message;
    expect(net.transcript()).toEqual(["INVITE", "180", "422"]);
    expect(last.headers.get("Min-SE")).toBe("90");
  });

  it("as UAS we echo Session-Expires with Require: timer and refresh when refresher=uas", async () => {
    const { net, alice, peer } = setup();
    const incoming: IncomingCall[] = [];
    alice.core.events.on("incoming", (c) => incoming.push(c));
    const invite = peerInvite([["Session-Expires", "100;refresher=uas"], ["Supported", "timer"], ["Allow", "UPDATE, INVITE"]]);
    peer.send(invite, { transport: "UDP", host: "192.0.2.1", port: 5060 });
    await net.settle();
    await incoming[0]!.answer();
    await net.settle();
    const ok = net.log.at(-1)!.message;
    expect(ok.headers.get("Session-Expires")).toBe("100;refresher=uas");
    expect(ok.headers.get("Require")).toBe("timer");
    const ack = Dialog.asUac(invite, ok as SipResponse).createRequest("ACK", { via: PEER_VIA, cseq: 1 });
    peer.send(ack, { transport: "UDP", host: "192.0.2.1", port: 5060 });
    await net.settle();
    expect(incoming[0]!.state).toBe("established");
    await net.advance(50_000, 1000);
    expect(peer.requests("UPDATE")).toHaveLength(1);
  });
});

describe("UPDATE received (RFC 3311)", () => {
  it("an offer in UPDATE is answered in its 200; hold is seen", async () => {
    const { net, peer, call, dialog, alice } = await callPeer([]);
    const update = dialog.createRequest("UPDATE", { via: PEER_VIA, contact: "<sip:bob@192.0.2.9>", body: sdp("bob", "sendonly") });
    peer.send(update, { transport: "UDP", host: "192.0.2.1", port: 5060 });
    await net.settle();
    const ok = net.log.at(-1)!.message;
    expect(ok.kind === "response" && ok.status).toBe(200);
    expect(Buffer.from(ok.body).toString()).toContain("a=recvonly");
    expect(call.hold).toEqual({ local: false, remote: true });
    expect(alice.medias[0]!.applied).toHaveLength(1);
  });
});

describe("MESSAGE with digest (RFC 3428, RFC 3261 §22)", () => {
  it("a 401 is answered once; a failure status is data", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", "192.0.2.1", { credentials: { username: "alice", password: "pw" } });
    const peer = new ScriptedPeer(net, PEER);
    const result = alice.core.sendMessage("sip:bob@192.0.2.9", "hi");
    await net.settle();
    peer.reply(peer.request("MESSAGE"), 401, { toTag: "m", headers: [["WWW-Authenticate", 'Digest realm="r", nonce="n1"']] });
    await net.settle();
    const second = peer.requests("MESSAGE")[1]!;
    expect(second.headers.get("Authorization")).toMatch(/^Digest username="alice"/);
    expect(second.headers.cseq()?.seq).toBe(2);
    peer.reply(second, 202, { toTag: "m" });
    expect(await result).toEqual({ ok: true, status: 202 });
    const refused = alice.core.sendMessage("sip:bob@192.0.2.9", "again");
    await net.settle();
    peer.reply(peer.requests("MESSAGE")[2]!, 404, { toTag: "m" });
    expect(await refused).toEqual({ ok: false, reason: "rejected", status: 404 });
  });
});
