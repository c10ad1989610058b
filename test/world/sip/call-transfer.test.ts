// World: RFC 3515 blind transfer through Kamailio: we transfer baresip (bob) to a second baresip (carol),
// and baresip transfers us to carol (REFER in: 202, NOTIFY, the new call, the original ended).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, useCleanup } from "../index.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { nextIncoming, reach, startAgent } from "./call-kit.js";

const track = useCleanup();

async function world(label: string) {
  const k = track(await startKamailio({ users: ["alice", "bob", "carol"], label }));
  const dir = makeWorldDir(`${label}-tones`);
  track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
  const tone = await makeTone(join(dir, "tone.wav"), 1000, { seconds: 4 });
  const bob = track(await startBaresip(k, "bob", { source: tone, answer: "auto", label: `${label}-bob` }));
  const carol = track(await startBaresip(k, "carol", { source: tone, answer: "auto", label: `${label}-carol` }));
  await Promise.all([bob.registered(), carol.registered()]);
  const alice = track(await startAgent(k, "alice", "udp"));
  return { k, bob, carol, alice };
}

describe("blind transfer with baresip", () => {
  it("we transfer bob to carol: REFER, NOTIFY progress, our call ends as transferred", async () => {
    const { k, bob, carol, alice } = await world("xfer-out");
    const call = alice.ua.call(`sip:bob@${k.domain}`);
    await reach(call, "established");
    await bob.waitEvent((e) => e.type === "CALL_ESTABLISHED", "bob established");
    const progress: number[] = [];
    call.events.on("transfer", (p) => progress.push(p.status));
    expect(await call.transfer(`sip:carol@${k.domain}`)).toEqual({ accepted: true });
    await carol.waitEvent((e) => e.type === "CALL_ESTABLISHED", "carol established with bob");
    await reach(call, "ended", 20_000);
    expect(call.outcome).toEqual({ reason: "transferred" });
    expect(progress.at(-1)).toBe(200);
  });

  it("bob transfers us to carol: we accept the REFER, call carol, and the original call ends", async () => {
    const { k, bob, carol, alice } = await world("xfer-in");
    const incoming = nextIncoming(alice.ua);
    await bob.command("dial", `sip:alice@${k.domain}`);
    const call = await incoming;
    await call.answer();
    await reach(call, "established");
    await bob.waitEvent((e) => e.type === "CALL_ESTABLISHED", "bob established");
    const placed = new Promise<SipCall>((resolve) => alice.ua.events.on("transferred", ({ call: c }) => resolve(c)));
    await bob.command("transfer", `sip:carol@${k.domain}`);
    const toCarol = await placed;
    await reach(toCarol, "established", 20_000);
    await carol.waitEvent((e) => e.type === "CALL_ESTABLISHED", "carol established with alice");
    await reach(call, "ended", 20_000);
    expect(call.outcome?.reason).toMatch(/transferred|hangup/);
    const notifies = (await k.wireRecords()).filter((r) => r.tag === "rcv" && r.text.startsWith("NOTIFY ") && /message\/sipfrag/i.test(r.text));
    expect(notifies.map((n) => /SIP\/2\.0 (\d{3})/.exec(n.text.split("\r\n\r\n")[1] ?? "")?.[1])).toEqual(["100", "200"]);
    toCarol.hangup();
    await reach(toCarol, "ended");
  });
});
