// UC-c / REQ-5 (protocol.md §3) between two endpoints of ours: bob's SIP
// state as alice sees it in XMPP presence: callable while registered, on the
// phone while bob is in any call, back after it, unreachable once bob's SIP
// registration is gone.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SipState } from "../../../packages/core/src/index.js";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, until, useCleanup } from "../index.js";
import { befriend, endpoint } from "./link-kit.js";

const track = useCleanup();

describe("SIP state in XMPP presence (UC-c)", () => {
  it("callable, on the phone during any call and back, unreachable without registration", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob", "carol"] }));
    const alice = endpoint(track, prosody, kamailio, "alice");
    const bob = endpoint(track, prosody, kamailio, "bob");
    const bobBare = `bob@${prosody.domain}`;
    const seen: { state: SipState; at: number }[] = [];
    alice.events.on("sipState", (c) => {
      if (c.bare === bobBare && seen.at(-1)?.state !== c.contactState) seen.push({ state: c.contactState, at: Date.now() });
    });
    expect((await alice.start()).sip.ok).toBe(true);
    expect((await bob.start()).sip.ok).toBe(true);
    await befriend(alice, bob, prosody.domain, ["alice", "bob"]);

    const state = (s: SipState) => until(`bob ${s} as alice sees it`, () => alice.sipStateOf(bobBare) === s);
    await state("callable");

    // bob calls carol (a plain baresip phone that answers by itself).
    const dir = makeWorldDir("uc-c-tones");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const carol = track(await startBaresip(kamailio, "carol", { source: await makeTone(join(dir, "c.wav"), 1000, { seconds: 10 }), answer: "auto" }));
    await carol.registered();
    const call = bob.call(`sip:carol@${kamailio.domain}`);
    const answered = await new Promise<number>((resolve) => call.events.on("state", ({ to }) => to === "established" && resolve(Date.now())));
    await state("on-the-phone");
    const latency = seen.find((s) => s.state === "on-the-phone" && s.at >= answered)!.at - answered;
    process.stdout.write(`[uc-c] on-the-phone seen by alice ${latency} ms after bob's call was answered\n`);
    // Plain clients see it too: bob's presence is dnd "On the phone".
    const bobRes = alice.xmpp.presencesOf(bobBare)[0]!;
    expect(bobRes).toMatchObject({ show: "dnd", status: "On the phone" });

    call.hangup();
    await state("callable");
    expect(alice.xmpp.presencesOf(bobBare)[0]?.show).toBeUndefined();

    // bob's SIP side goes away (XMPP stays): media features withdrawn.
    await bob.sip.stop();
    await state("unreachable");
    // Each change once, in order (whatever came before bob first became callable).
    expect(seen.map((s) => s.state).slice(-4)).toEqual(["callable", "on-the-phone", "callable", "unreachable"]);
  });
});
