// World: protocol.md D23 (RFC 5627 §4.2) against Kamailio in Debian's stock in-dialog shape (GRUUs issued,
// in-dialog requests relayed after loose_route() without a location lookup, so a GRUU Request-URI gets 478) and
// in our usual shape: our UAs probe their GRUU, pick the dialog Contact that routes, and calls work both ways.
import { describe, expect, it } from "vitest";
import { GRUU_PROBE_CALL_ID_PREFIX } from "../../../packages/core/src/sip/call/gruu-probe.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { startKamailio, until, useCleanup, type Kamailio, type WireRecord } from "../index.js";
import { nextIncoming, reach, startAgent, type Agent } from "./call-kit.js";

const track = useCleanup();

const callIdOf = (r: WireRecord) => /^(?:Call-ID|i):\s*(\S+)/im.exec(r.text)?.[1];
const contactOf = (r: WireRecord) => /^(?:Contact|m):\s*<([^>]+)>/im.exec(r.text)?.[1];
const startLine = (r: WireRecord) => r.text.split(/\r?\n/, 1)[0] ?? "";
/** Kamailio adds ;alias=... to Contacts it forwards (add_contact_alias); in-dialog Request-URIs carry it back. */
const unaliased = (uri: string) => uri.replace(/;alias=[^;>\s]*/, "");
/** The in-dialog requests of `wire` with this method whose Request-URI is `uri`. */
const sentTo = (wire: { line: string }[], method: string, uri: string) =>
  wire.filter((m) => m.line.startsWith(`${method} `) && unaliased(m.line.split(" ")[1] ?? "") === uri);

/** What Kamailio received for one call: start lines and the Contact of each message. */
async function callWire(k: Kamailio, callId: string) {
  const records = (await k.wireRecords()).filter((r) => r.tag === "rcv" && callIdOf(r) === callId);
  return records.map((r) => ({ line: startLine(r), contact: contactOf(r), cseq: /^CSeq:\s*(.*)$/im.exec(r.text)?.[1] ?? "" }));
}

async function agents(k: Kamailio, transport: "udp" | "tls") {
  const alice = track(await startAgent(k, "alice", transport, 440));
  const bob = track(await startAgent(k, "bob", transport, 1000));
  return { alice, bob };
}

/** A call from `from` to `to`, answered; both sides established. */
async function connect(from: Agent, to: Agent, target: string): Promise<{ out: SipCall; inc: SipCall }> {
  const incoming = nextIncoming(to.ua, 30_000);
  const out = from.ua.call(target);
  const inc = await incoming;
  expect(await inc.answer()).toBe(true);
  await reach(out, "established", 30_000);
  await reach(inc, "established", 30_000);
  return { out, inc };
}

/** Hold and resume from `side`, seen on the other side; then `side` hangs up and both end. */
async function holdResumeHangup(side: SipCall, other: SipCall): Promise<void> {
  expect(await side.hold()).toBe(true);
  await until("the other side to see the hold", () => other.holdState.remote, { timeoutMs: 30_000 });
  expect(await side.resume()).toBe(true);
  await until("the other side to see the resume", () => !other.holdState.remote, { timeoutMs: 30_000 });
  side.hangup();
  await reach(side, "ended", 30_000);
  await reach(other, "ended", 30_000);
  expect(side.outcome).toEqual({ reason: "hangup", by: "local" });
  expect(other.outcome).toEqual({ reason: "hangup", by: "remote" });
}

describe("a registrar that issues GRUUs but cannot route them in dialogs (the stock shape)", () => {
  let k: Kamailio;
  let w: { alice: Agent; bob: Agent };

  it("the probe finds initial-only: the dialog Contact is the registered contact, the GRUU is still published", async () => {
    k = track(await startKamailio({ users: ["alice", "bob"], label: "gruu-stock", gruuInDialog: false }));
    w = await agents(k, "udp");
    for (const a of [w.alice, w.bob]) {
      expect(a.ua.gruuRouting).toBe("initial-only");
      expect(a.ua.gruu).toMatch(/;gr=urn:uuid:/);
      expect(a.ua.contact).toMatch(/^sip:(alice|bob)@127\.0\.0\.1:\d+$/);
    }
    // Each UA's in-dialog probe met the stock relay's 478; each initial one came back and we answered it 200.
    const probes = (await k.wireRecords()).filter((r) => callIdOf(r)?.startsWith(GRUU_PROBE_CALL_ID_PREFIX));
    const refused = new Set(probes.filter((r) => r.tag === "snd" && /^SIP\/2\.0 478 /.test(startLine(r))).map(callIdOf));
    const answered = new Set(probes.filter((r) => r.tag === "rcv" && startLine(r).startsWith("SIP/2.0 200 ")).map(callIdOf));
    expect([refused.size, answered.size]).toEqual([2, 2]);
    expect([...refused].filter((id) => answered.has(id))).toEqual([]);
  });

  it("alice calls bob: answered, ACKed, established on both; hold and resume from bob; bob hangs up", async () => {
    const { out, inc } = await connect(w.alice, w.bob, `sip:bob@${k.domain}`);
    await holdResumeHangup(inc, out);
    const wire = await callWire(k, out.id);
    expect(wire.find((m) => m.line.startsWith("INVITE"))!.contact).toBe(w.alice.ua.contact);
    expect(wire.find((m) => m.line.startsWith("SIP/2.0 200") && m.cseq.endsWith("INVITE"))!.contact).toBe(w.bob.ua.contact);
    // Requests inside the dialog go to the registered contacts: alice's ACK to bob, bob's re-INVITEs and BYE to alice.
    expect(sentTo(wire, "ACK", w.bob.ua.contact)).toHaveLength(1);
    expect(sentTo(wire, "INVITE", w.alice.ua.contact)).toHaveLength(2);
    expect(sentTo(wire, "ACK", w.alice.ua.contact)).toHaveLength(2);
    expect(sentTo(wire, "BYE", w.alice.ua.contact)).toHaveLength(1);
    // No message of this call was refused by the proxy.
    const refused = (await k.wireRecords()).filter((r) => r.tag === "snd" && callIdOf(r) === out.id && /^SIP\/2\.0 (4|5)\d\d /.test(startLine(r)) && !/^SIP\/2\.0 407 /.test(startLine(r)));
    expect(refused.map(startLine)).toEqual([]);
  });

  it("bob calls alice: established on both; hold and resume from alice; alice hangs up", async () => {
    const { out, inc } = await connect(w.bob, w.alice, `sip:alice@${k.domain}`);
    await holdResumeHangup(inc, out);
    const wire = await callWire(k, out.id);
    expect(wire.find((m) => m.line.startsWith("INVITE"))!.contact).toBe(w.bob.ua.contact);
    expect(sentTo(wire, "ACK", w.alice.ua.contact)).toHaveLength(1);
    expect(sentTo(wire, "INVITE", w.bob.ua.contact)).toHaveLength(2);
    expect(sentTo(wire, "BYE", w.bob.ua.contact)).toHaveLength(1);
  });

  it("an INVITE to alice's GRUU rings only the device with that GRUU (REQ-1), and the call works", async () => {
    const phone = track(await startAgent(k, "alice", "udp", 660));
    expect(phone.ua.gruu).not.toBe(w.alice.ua.gruu);
    let phoneRang = false;
    phone.ua.events.on("incoming", () => (phoneRang = true));
    const { out, inc } = await connect(w.bob, w.alice, w.alice.ua.gruu!);
    expect(phoneRang).toBe(false);
    out.hangup();
    await reach(inc, "ended", 30_000);
    expect(inc.outcome).toEqual({ reason: "hangup", by: "remote" });
    const invites = (await k.wireRecords()).filter((r) => r.tag === "snd" && callIdOf(r) === out.id && startLine(r).startsWith("INVITE "));
    expect(invites).toHaveLength(1);
    expect(phoneRang).toBe(false);
  });
});

describe("a registrar that routes GRUUs in dialogs (our usual world)", () => {
  it("the probe finds in-dialog: the GRUU is the dialog Contact, and a call with hold works", async () => {
    const k = track(await startKamailio({ users: ["alice", "bob"], label: "gruu-routed" }));
    const w = await agents(k, "tls");
    for (const a of [w.alice, w.bob]) {
      expect(a.ua.gruuRouting).toBe("in-dialog");
      expect(a.ua.contact).toBe(a.ua.gruu);
    }
    const { out, inc } = await connect(w.alice, w.bob, `sip:bob@${k.domain}`);
    await holdResumeHangup(out, inc);
    const wire = await callWire(k, out.id);
    expect(wire.find((m) => m.line.startsWith("INVITE"))!.contact).toBe(w.alice.ua.gruu);
    expect(wire.find((m) => m.line.startsWith("SIP/2.0 200") && m.cseq.endsWith("INVITE"))!.contact).toBe(w.bob.ua.gruu);
    expect(sentTo(wire, "ACK", w.bob.ua.gruu!)).toHaveLength(3);
    expect(sentTo(wire, "INVITE", w.bob.ua.gruu!)).toHaveLength(2);
    expect(sentTo(wire, "BYE", w.bob.ua.gruu!)).toHaveLength(1);
  });
});
