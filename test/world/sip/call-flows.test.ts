// World: RFC 3261 §9 / §13 outcomes with baresip through Kamailio: 486 both ways, CANCEL both ways,
// RFC 3264 §8.4 hold and resume both ways, and MESSAGE (RFC 3428) both ways.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, until, useCleanup } from "../index.js";
import { nextIncoming, reach, startAgent } from "./call-kit.js";

const track = useCleanup();

async function world(label: string, answer: "auto" | "manual") {
  const k = track(await startKamailio({ users: ["alice", "bob", "carol"], label }));
  const dir = makeWorldDir(`${label}-tones`);
  track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
  const b = track(await startBaresip(k, "bob", { source: await makeTone(join(dir, "bob.wav"), 1000, { seconds: 4 }), answer }));
  await b.registered();
  const alice = track(await startAgent(k, "alice", "udp"));
  return { k, b, alice };
}

describe("call outcomes with baresip", () => {
  it("a call with hidden caller id carries Privacy: id, no Call-Info, and the temp-gruu as Contact", async () => {
    const { k, b, alice } = await world("call-privacy", "auto");
    const call = alice.ua.call(`sip:bob@${k.domain}`, { privacy: true, callInfo: [`<xmpp:alice@${k.domain}/x>;purpose=impp`] });
    await reach(call, "established");
    await b.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established");
    call.hangup();
    await reach(call, "ended");
    const invite = (await k.wireRecords()).find((r) => r.tag === "rcv" && r.text.startsWith("INVITE "))!.text;
    expect(invite).toMatch(/^Privacy: id\r?$/m);
    expect(invite).not.toMatch(/^Call-Info:/im);
    // Kamailio's temp-gruus look like sip:uloc-...@domain;gr (no instance in them).
    expect(invite).toMatch(new RegExp(`^(Contact|m): <sip:[^@>]+@${k.domain};gr>`, "mi"));
    expect(invite).not.toMatch(/^(Contact|m): .*gr=urn:uuid/im);
  });

  it("baresip rejects our call: busy as data; we reject its call with 486", async () => {
    const { k, b, alice } = await world("call-reject", "manual");
    const call = alice.ua.call(`sip:bob@${k.domain}`);
    await b.waitEvent((e) => e.type === "CALL_INCOMING", "incoming call");
    await reach(call, "ringing");
    await b.command("hangup");
    await reach(call, "ended");
    expect(call.outcome?.reason).toMatch(/busy|declined|rejected/);
    expect(call.outcome).toHaveProperty("status");

    const incoming = nextIncoming(alice.ua);
    await b.command("dial", `sip:alice@${k.domain}`);
    const theirs = await incoming;
    theirs.reject(486);
    await until("both calls closed at baresip", () => b.events.filter((x) => x.type === "CALL_CLOSED").length >= 2);
    const closed = b.events.filter((x) => x.type === "CALL_CLOSED").at(-1)!;
    expect(String(closed.param)).toMatch(/486/);
    expect(theirs.outcome).toEqual({ reason: "busy", status: 486 });
  });

  it("we cancel before the answer; baresip cancels its own call to us", async () => {
    const { k, b, alice } = await world("call-cancel", "manual");
    const call = alice.ua.call(`sip:bob@${k.domain}`);
    await b.waitEvent((e) => e.type === "CALL_INCOMING", "incoming call");
    await reach(call, "ringing");
    call.hangup();
    await reach(call, "ended");
    expect(call.outcome).toEqual({ reason: "cancelled" });
    await b.waitEvent((e) => e.type === "CALL_CLOSED", "call closed by CANCEL");
    const cancels = (await k.wireRecords()).filter((r) => r.tag === "rcv" && r.text.startsWith("CANCEL "));
    expect(cancels.length).toBeGreaterThan(0);

    const incoming = nextIncoming(alice.ua);
    await b.command("dial", `sip:alice@${k.domain}`);
    const theirs = await incoming;
    await reach(theirs, "ringing");
    await b.command("hangup");
    await reach(theirs, "ended");
    expect(theirs.outcome).toEqual({ reason: "cancelled" });
  });

  it("hold and resume: ours by re-INVITE sendonly/sendrecv, and baresip's", async () => {
    const { k, b, alice } = await world("call-hold", "auto");
    const call = alice.ua.call(`sip:bob@${k.domain}`);
    await reach(call, "established");
    await b.waitEvent((e) => e.type === "CALL_ESTABLISHED", "established");
    expect(await call.hold()).toBe(true);
    expect(call.holdState.local).toBe(true);
    expect(alice.medias[0]!.negotiated?.direction).toBe("sendonly");
    expect(await call.resume()).toBe(true);
    expect(alice.medias[0]!.negotiated?.direction).toBe("sendrecv");
    const holds: boolean[] = [];
    call.events.on("hold", (h) => holds.push(h.remote));
    await b.command("hold");
    await until("the call on hold", () => holds.includes(true));
    await b.command("resume");
    await until("the call resumed", () => holds.at(-1) === false);
    call.hangup();
    await reach(call, "ended");
    const reinvites = (await k.wireRecords()).filter((r) => r.tag === "rcv" && r.text.startsWith("INVITE ") && /\r\nTo:[^\r]*tag=/i.test(r.text));
    expect(reinvites.length).toBeGreaterThanOrEqual(4);
  });

  it("MESSAGE both ways: ours to baresip (digest at Kamailio), and one of ours to another", async () => {
    const { k, alice } = await world("call-message", "auto");
    expect(await alice.ua.sendMessage(`sip:bob@${k.domain}`, "hello bob")).toEqual({ ok: true, status: 200 });
    const carol = track(await startAgent(k, "carol", "udp"));
    const got = new Promise<string>((resolve) => alice.ua.events.on("message", (m) => resolve(`${m.contentType} ${m.body}`)));
    expect(await carol.ua.sendMessage(`sip:alice@${k.domain}`, "hello alice")).toEqual({ ok: true, status: 200 });
    expect(await got).toBe("text/plain hello alice");
  });
});
