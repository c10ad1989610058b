// RFC 3261 §9.1 (CANCEL/200 race), §13.2.2.4 (forks), §8.1.3.4 (3xx), §22.2 (401): our UAC against a scripted peer.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import type { SipRequest } from "../message/index.js";
import { FakeNetwork, fakeSdp, ScriptedPeer, testUa } from "./testing.js";

const PEER = { transport: "UDP", host: "192.0.2.9", port: 5060 };
const sdp = (name: string) => ({ contentType: "application/sdp", body: fakeSdp(name, "sendrecv") });

function setup(options: Parameters<typeof testUa>[3] = {}) {
  const net = new FakeNetwork();
  const alice = testUa(net, "alice", "192.0.2.1", options);
  const peer = new ScriptedPeer(net, PEER);
  return { net, alice, peer };
}

describe("our UAC against a scripted peer", () => {
  it("CANCEL/200 race: the 200 that crossed the CANCEL is ACKed, then BYEd", async () => {
    const { net, alice, peer } = setup();
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    const invite = peer.request("INVITE");
    peer.reply(invite, 180, { toTag: "b1", contact: "<sip:bob@192.0.2.9>" });
    await net.settle();
    call.hangup();
    peer.reply(invite, 200, { toTag: "b1", contact: "<sip:bob@192.0.2.9>", body: sdp("bob") });
    await net.settle();
    const cancel = peer.request("CANCEL");
    peer.reply(cancel, 200);
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "CANCEL", "200", "ACK", "BYE", "200"]);
    expect(call.outcome).toEqual({ reason: "cancelled" });
    const bye = peer.request("BYE");
    expect(bye.headers.to()?.tag).toBe("b1");
  });

  it("CANCEL waits for a provisional response (RFC 3261 §9.1)", async () => {
    const { net, alice, peer } = setup();
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    call.cancel();
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE"]);
    const invite = peer.request("INVITE");
    peer.reply(invite, 100);
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "100", "CANCEL"]);
    peer.reply(peer.request("CANCEL"), 200);
    peer.reply(invite, 487, { toTag: "x" });
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "100", "CANCEL", "200", "487", "ACK"]);
    expect(call.outcome).toEqual({ reason: "cancelled" });
  });

  it("forking: two early dialogs, the first 2xx wins, the second is ACKed and BYEd", async () => {
    const { net, alice, peer } = setup();
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    const invite = peer.request("INVITE");
    peer.reply(invite, 180, { toTag: "a", contact: "<sip:bob-a@192.0.2.9>" });
    peer.reply(invite, 183, { toTag: "b", contact: "<sip:bob-b@192.0.2.9>", body: sdp("bob-b") });
    await net.settle();
    expect(alice.medias[0]!.applied).toHaveLength(1);
    peer.reply(invite, 200, { toTag: "a", contact: "<sip:bob-a@192.0.2.9>", body: sdp("bob-a") });
    await net.settle();
    peer.reply(invite, 200, { toTag: "b", contact: "<sip:bob-b@192.0.2.9>", body: sdp("bob-b") });
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "180", "183", "200", "ACK", "200", "ACK", "BYE"]);
    expect(call.state).toBe("established");
    expect(call.dialog?.id.remoteTag).toBe("a");
    const bye = peer.request("BYE");
    expect(bye.headers.to()?.tag).toBe("b");
    expect((bye.uri as { user?: string }).user).toBe("bob-b");
    // A retransmitted 2xx of the winner is ACKed again, nothing else.
    peer.reply(invite, 200, { toTag: "a", contact: "<sip:bob-a@192.0.2.9>", body: sdp("bob-a") });
    await net.settle();
    expect(net.transcript().slice(-2)).toEqual(["200", "ACK"]);
  });

  it("follows a 302 to its Contact with the same Call-ID and a new CSeq", async () => {
    const { net, alice, peer } = setup();
    const carol = new ScriptedPeer(net, { transport: "UDP", host: "192.0.2.10", port: 5060 });
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    const first = peer.request("INVITE");
    peer.reply(first, 302, { toTag: "r", contact: "<sip:carol@192.0.2.10>" });
    await net.settle();
    const second = carol.request("INVITE");
    expect(second.headers.callId()).toBe(first.headers.callId());
    expect(second.headers.cseq()?.seq).toBe(first.headers.cseq()!.seq + 1);
    expect((second.uri as { user?: string }).user).toBe("carol");
    carol.reply(second, 200, { toTag: "c", contact: "<sip:carol@192.0.2.10>", body: sdp("carol") });
    await net.settle();
    expect(net.transcript()).toEqual(["INVITE", "302", "ACK", "INVITE", "200", "ACK"]);
    expect(call.state).toBe("established");
    expect(call.remoteUri).toBe("sip:carol@192.0.2.10");
  });

  it("does not follow a redirect back to a target already tried", async () => {
    const { net, alice, peer } = setup();
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    peer.reply(peer.request("INVITE"), 302, { toTag: "r", contact: "<sip:bob@192.0.2.9>" });
    await net.settle();
    expect(peer.requests("INVITE")).toHaveLength(1);
    expect(call.outcome).toEqual({ reason: "rejected", status: 302 });
  });

  it("stops after 5 redirects", async () => {
    const { net, alice, peer } = setup();
    const call = alice.core.call("sip:bob@192.0.2.9");
    for (let i = 0; i < 7 && call.state !== "ended"; i++) {
      await net.settle();
      const invites = peer.requests("INVITE");
      peer.reply(invites[invites.length - 1]!, 302, { toTag: `r${i}`, contact: `<sip:bob${i}@192.0.2.9>` });
    }
    await net.settle();
    expect(peer.requests("INVITE")).toHaveLength(6);
    expect(call.outcome).toEqual({ reason: "rejected", status: 302 });
  });

  it("answers a 407 once with the same Call-ID, the next CSeq and Proxy-Authorization", async () => {
    const { net, alice, peer } = setup({ credentials: { username: "alice", password: "secret" } });
    const call = alice.core.call("sip:bob@192.0.2.9");
    await net.settle();
    const first = peer.request("INVITE");
    peer.reply(first, 407, { toTag: "p", headers: [["Proxy-Authenticate", 'Digest realm="example.com", nonce="abc", qop="auth"']] });
    await net.settle();
    const second = peer.requests("INVITE")[1]!;
    expect(second.headers.callId()).toBe(first.headers.callId());
    expect(second.headers.cseq()?.seq).toBe(first.headers.cseq()!.seq + 1);
    const auth = second.headers.get("Proxy-Authorization")!;
    expect(auth).toMatch(/username="alice"/);
    expect(auth).toMatch(/realm="example.com"/);
    expect(verifyDigest(auth, "INVITE", second)).toBe(true);
    peer.reply(second, 407, { toTag: "p", headers: [["Proxy-Authenticate", 'Digest realm="example.com", nonce="def", qop="auth"']] });
    await net.settle();
    expect(call.outcome).toEqual({ reason: "auth-failed" });
    expect(net.transcript()).toEqual(["INVITE", "407", "ACK", "INVITE", "407", "ACK"]);
  });

  it("writes Call-Info on the INVITE and reads it from the 18x and 200; Privacy: id leaves it out", async () => {
    const { net, alice, peer } = setup();
    const info = "<xmpp:alice@example.com/desk?message;type=chat;thread=t1>;purpose=impp";
    const call = alice.core.call("sip:bob@192.0.2.9", { callInfo: [info] });
    const seen: string[][] = [];
    call.events.on("callInfo", (e) => seen.push(e.raw));
    await net.settle();
    const invite = peer.request("INVITE");
    expect(invite.headers.getAll("Call-Info")).toEqual([info]);
    expect(invite.headers.has("Privacy")).toBe(false);
    peer.reply(invite, 180, { toTag: "b", contact: "<sip:bob@192.0.2.9>", headers: [["Call-Info", "<xmpp:bob@example.net>;purpose=impp"]] });
    await net.settle();
    expect(seen).toEqual([["<xmpp:bob@example.net>;purpose=impp"]]);
    expect(call.remoteCallInfo[0]?.params.get("purpose")).toBe("impp");
    expect(call.remoteCallInfo[0]?.uri).toBe("xmpp:bob@example.net");

    const hidden = alice.core.call("sip:bob@192.0.2.9", { callInfo: [info], privacy: true });
    await net.settle();
    const invite2 = peer.request("INVITE");
    expect(invite2.headers.get("Privacy")).toBe("id");
    expect(invite2.headers.has("Call-Info")).toBe(false);
    // protocol.md D2: the anonymous Contact (the temp-gruu in the UA), not the one naming us.
    expect(invite2.headers.get("Contact")).toBe("<sip:anon-alice@192.0.2.1:5060>");
    hidden.hangup();
  });
});

/** RFC 2617 §3.2.2 check of an Authorization value, with the password "secret". */
function verifyDigest(value: string, method: string, request: SipRequest): boolean {
  const p = Object.fromEntries([...value.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1]!, m[2]!]));
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  const ha1 = md5(`${p.username}:${p.realm}:secret`);
  const ha2 = md5(`${method}:${p.uri}`);
  expect(p.uri).toBe("sip:bob@192.0.2.9");
  expect(request.method).toBe(method);
  return p.response === md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}
