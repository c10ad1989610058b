// protocol.md D23, RFC 5627 §4.2 / §5.1: the two GRUU probes against a scripted outbound proxy that routes them
// (or not) back to us, on the fake network with a fake clock; wire transcripts asserted.
import { describe, expect, it } from "vitest";
import { parseSipMessage, serializeSipMessage, type SipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import { GRUU_PROBE_CALL_ID_PREFIX, type GruuProbeOutcome } from "./gruu-probe.js";
import { FakeNetwork, ScriptedPeer, testUa } from "./testing.js";

const ALICE = { transport: "UDP", host: "192.0.2.1", port: 5060 };
const PROXY = { transport: "UDP", host: "192.0.2.9", port: 5060 };
const GRUU = "sip:alice@example.test;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6";

type Policy = (request: SipRequest) => "forward" | number | "drop";

/** A proxy: forwards a request to alice with its own Via on top (or answers / drops it), relays responses back. */
function proxy(net: FakeNetwork, policy: Policy) {
  const peer = new ScriptedPeer(net, PROXY);
  let handled = 0;
  let branch = 0;
  const pump = () => {
    for (; handled < peer.received.length; handled++) {
      const { message } = peer.received[handled]!;
      if (message.kind === "response") relayBack(message);
      else route(message);
    }
  };
  const route = (request: SipRequest) => {
    if (request.headers.via()[0]?.host === PROXY.host) return;
    const what = policy(request);
    if (what === "drop") return;
    if (typeof what === "number") return peer.reply(request, what, { toTag: "px", ...(what === 478 ? { reason: "Unresolvable destination" } : {}) });
    const copy = parseSipMessage(serializeSipMessage(request)) as SipRequest;
    copy.headers.append("Via", `SIP/2.0/UDP ${PROXY.host}:5060;branch=z9hG4bKpx${++branch}`, { first: true });
    copy.headers.delete("Route");
    peer.send(copy, ALICE);
  };
  const relayBack = (response: SipResponse) => {
    const copy = parseSipMessage(serializeSipMessage(response)) as SipResponse;
    const vias = copy.headers.getAll("Via").slice(1);
    copy.headers.set("Via", vias);
    peer.send(copy, ALICE);
  };
  return { peer, pump };
}

async function run(policy: Policy, credentials?: { username: string; password: string }) {
  const net = new FakeNetwork();
  const alice = testUa(net, "alice", ALICE.host, { proxy: PROXY, routes: ["<sip:192.0.2.9;lr>"], ...(credentials ? { credentials } : {}) });
  const { pump } = proxy(net, policy);
  let outcome: GruuProbeOutcome | undefined;
  void alice.core.gruuProbes.probe(GRUU).then((o) => (outcome = o));
  for (let i = 0; i < 60 && !outcome; i++) {
    await net.settle();
    pump();
    await net.advance(100, 100);
  }
  // Let the 200s we sent travel back through the proxy.
  for (let i = 0; i < 3; i++) {
    await net.settle();
    pump();
  }
  await net.settle();
  return { net, alice, outcome: outcome! };
}

const line = (e: { from: string; to: string; message: SipMessage }) =>
  `${e.from}>${e.to} ${e.message.kind === "request" ? e.message.method : e.message.status}${e.message.headers.to()?.tag ? " t" : ""}`;

describe("GRUU routing probes (protocol.md D23)", () => {
  it("a registrar that routes GRUUs in dialogs: both probes come back to us and we answer them 200", async () => {
    const { net, outcome } = await run(() => "forward");
    expect(outcome).toEqual({ inDialog: { arrived: true }, initial: { arrived: true } });
    const probes = net.log.filter((e) => e.message.kind === "request");
    expect(probes.map(line)).toEqual([
      "192.0.2.1:5060>192.0.2.9:5060 OPTIONS t", "192.0.2.1:5060>192.0.2.9:5060 OPTIONS",
      "192.0.2.9:5060>192.0.2.1:5060 OPTIONS t", "192.0.2.9:5060>192.0.2.1:5060 OPTIONS",
    ]);
    const first = probes[0]!.message as SipRequest;
    expect(first.headers.callId()).toMatch(new RegExp(`^${GRUU_PROBE_CALL_ID_PREFIX}`));
    expect(first.headers.get("Route")).toBe("<sip:192.0.2.9;lr>");
    expect(first.uri).toMatchObject({ user: "alice", host: "example.test" });
    // Our 200s to our own probes, relayed back by the proxy: 2 out, 2 back.
    expect(net.log.filter((e) => e.message.kind === "response" && e.message.status === 200)).toHaveLength(4);
  });

  it("the stock shape: 478 to the in-dialog probe, the initial one comes back", async () => {
    const { outcome } = await run((r) => (r.headers.to()?.tag ? 478 : "forward"));
    expect(outcome.inDialog).toEqual({ arrived: false, reason: "478 Unresolvable destination" });
    expect(outcome.initial).toEqual({ arrived: true });
  });

  it("a proxy answering OPTIONS itself is no success: its 200 never came through us", async () => {
    const { outcome, alice } = await run(() => 200);
    expect(outcome.inDialog.arrived).toBe(false);
    expect(outcome.initial).toEqual({ arrived: false, reason: "200 OK from the proxy itself, the probe never reached us" });
    expect(alice.core.calls).toHaveLength(0);
  });

  it("no answer at all: both time out after a few seconds", async () => {
    const { outcome, net } = await run(() => "drop");
    expect(outcome).toEqual({
      inDialog: { arrived: false, reason: "no answer within 4000 ms" },
      initial: { arrived: false, reason: "no answer within 4000 ms" },
    });
    expect(net.clock.now()).toBeLessThan(5_000);
  });

  it("a 407 to the initial probe is answered with credentials (same Call-ID, next CSeq)", async () => {
    let challenged = 0;
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", ALICE.host, { proxy: PROXY, routes: ["<sip:192.0.2.9;lr>"], credentials: { username: "alice", password: "pw" } });
    const peer = new ScriptedPeer(net, PROXY);
    let outcome: GruuProbeOutcome | undefined;
    void alice.core.gruuProbes.probe(GRUU).then((o) => (outcome = o));
    await net.settle();
    for (const r of peer.requests("OPTIONS")) {
      if (r.headers.to()?.tag) peer.reply(r, 404, {});
      else {
        challenged++;
        peer.reply(r, 407, { toTag: "px", headers: [["Proxy-Authenticate", 'Digest realm="example.test", nonce="n1"']] });
      }
    }
    await net.settle();
    const retry = peer.requests("OPTIONS").at(-1)!;
    expect(challenged).toBe(1);
    expect(retry.headers.get("Proxy-Authorization")).toMatch(/^Digest username="alice", realm="example.test"/);
    expect(retry.headers.cseq()?.seq).toBe(2);
    peer.reply(retry, 403, {});
    await net.settle();
    expect(outcome?.initial).toEqual({ arrived: false, reason: "403 Forbidden" });
    expect(outcome?.inDialog).toEqual({ arrived: false, reason: "404 Not Found" });
  });

  it("a probe of ours arriving late is still answered 200; a stranger's OPTIONS with a To tag gets 481", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", ALICE.host, { proxy: PROXY, routes: ["<sip:192.0.2.9;lr>"] });
    const peer = new ScriptedPeer(net, PROXY);
    let outcome: GruuProbeOutcome | undefined;
    void alice.core.gruuProbes.probe(GRUU).then((o) => (outcome = o));
    await net.advance(4_100);
    expect(outcome?.inDialog.arrived).toBe(false);
    const late = parseSipMessage(serializeSipMessage(peer.requests("OPTIONS")[0]!)) as SipRequest;
    late.headers.append("Via", "SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKlate", { first: true });
    peer.send(late, ALICE);
    const stranger = parseSipMessage(serializeSipMessage(late)) as SipRequest;
    stranger.headers.set("Call-ID", `${GRUU_PROBE_CALL_ID_PREFIX}guessed`);
    stranger.headers.set("Via", "SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKstranger");
    peer.send(stranger, ALICE);
    await net.settle();
    const answers = peer.received.filter((r) => r.message.kind === "response").map((r) => (r.message as SipResponse).status);
    expect(answers).toEqual([200, 481]);
  });

  it("close() ends waiting probes at once", async () => {
    const net = new FakeNetwork();
    const alice = testUa(net, "alice", ALICE.host, { proxy: PROXY, routes: ["<sip:192.0.2.9;lr>"] });
    new ScriptedPeer(net, PROXY);
    let outcome: GruuProbeOutcome | undefined;
    void alice.core.gruuProbes.probe(GRUU).then((o) => (outcome = o));
    await net.settle();
    alice.core.close();
    await net.settle();
    expect(outcome).toEqual({ inDialog: { arrived: false, reason: "stopped" }, initial: { arrived: false, reason: "stopped" } });
  });
});
