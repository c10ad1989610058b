// UC-a / UC-b (protocol.md §7): alice, knowing only bob's JID, finds and calls
// his SIP address; bob, receiving the call, finds alice's JID and messages
// her; for each discovery source in turn.
import { describe, expect, it } from "vitest";
import type { CusaxClient } from "../../../packages/core/src/index.js";
import { startKamailio, startProsody, until, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { befriend, endpoint } from "./link-kit.js";

const track = useCleanup();
let prosody: Prosody;
let kamailio: Kamailio;

/** A fresh world per test: what bob published in one test must not leak into the next. */
async function freshWorld(): Promise<void> {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
}

async function pair(bobOptions: Parameters<typeof endpoint>[4], aliceOptions: Parameters<typeof endpoint>[4] = {}) {
  const alice = endpoint(track, prosody, kamailio, "alice", aliceOptions);
  const bob = endpoint(track, prosody, kamailio, "bob", bobOptions);
  await alice.start();
  await bob.start();
  await befriend(alice, bob, prosody.domain, ["alice", "bob"]);
  await until("bob's presence at alice", () => alice.xmpp.presencesOf(`bob@${prosody.domain}`).length > 0);
  return { alice, bob };
}

/** alice calls what she found; bob answers and, from the call, finds alice's JID and writes to her. */
async function callAndWriteBack(alice: CusaxClient, bob: CusaxClient, dial: string, bobFindsBy: "call-info" | "same-name" = "call-info"): Promise<void> {
  const incoming = new Promise<import("../../../packages/core/src/sip/index.js").SipCall>((resolve) => {
    const off = bob.events.on("incomingCall", ({ call }) => (off(), resolve(call)));
  });
  const call = alice.call(dial);
  const bobCall = await incoming;
  await bob.answer(bobCall);
  await until("the call up", () => call.state === "established");
  const caller = /<([^>]+)>/.exec(bobCall.remote)?.[1] ?? bobCall.remote;
  const jids = bob.findJids(caller);
  expect(jids[0]).toEqual({ jid: `alice@${prosody.domain}`, origin: bobFindsBy });
  const got = new Promise<string>((resolve) => alice.events.on("message", ({ message }) => message.direction === "in" && resolve(message.body)));
  await bob.send(bob.conversationWith(jids[0]!.jid).id, "found you");
  expect(await got).toBe("found you");
  call.hangup();
  await until("the call ended", () => bobCall.state === "ended");
  await Promise.all([alice.stop(), bob.stop()]);
}

describe("finding the other address (UC-a, UC-b)", () => {
  it("from reach in presence (GRUU first)", async () => {
    await freshWorld();
    const { alice, bob } = await pair({});
    const found = await alice.findSipAddresses(`bob@${prosody.domain}`);
    expect(found[0]).toMatchObject({ origin: "reach" });
    expect(found[0]!.dial).toMatch(new RegExp(`^sip:bob@${kamailio.domain};gr=urn:uuid:`));
    await callAndWriteBack(alice, bob, found[0]!.dial);
  });

  it("from vCard4 <impp> and <tel> when bob publishes no reach", async () => {
    await freshWorld();
    const { alice, bob } = await pair({ reach: "off", tel: "tel:+15551234567" });
    const found = await alice.findSipAddresses(`bob@${prosody.domain}`);
    expect(found.map((c) => [c.origin, c.dial])).toEqual([
      ["vcard4", `sip:bob@${kamailio.domain}`],
      ["vcard4", `sip:+15551234567@${kamailio.domain};user=phone`],
    ]);
    await callAndWriteBack(alice, bob, found[0]!.dial);
  });

  it("from vcard-temp <TEL> on a server without vCard4, dialled through alice's SIP domain", async () => {
    const number = "+15557654321";
    prosody = track(await startProsody({ users: ["alice", "bob"], vcard: "temp-only" }));
    kamailio = track(await startKamailio({ users: ["alice", number] }));
    const alice = endpoint(track, prosody, kamailio, "alice");
    const bob = endpoint(track, prosody, kamailio, "bob", { reach: "off", publishCards: false }, number);
    await alice.start();
    await bob.start();
    await befriend(alice, bob, prosody.domain, ["alice", "bob"]);
    await bob.xmpp.publishVcardTemp({ tels: [{ number, types: ["voice"] }], impps: [], emails: [] });
    const found = await alice.findSipAddresses(`bob@${prosody.domain}`);
    expect(found.map((c) => [c.origin, c.dial])).toEqual([["vcard-temp", `sip:${number}@${kamailio.domain};user=phone`]]);
    await callAndWriteBack(alice, bob, found[0]!.dial);
  });

  it("from the same-name rule, only when alice enabled it for the domain pair", async () => {
    await freshWorld();
    const off = await pair({ reach: "off", publishCards: false });
    expect(await off.alice.findSipAddresses(`bob@${prosody.domain}`)).toEqual([]);
    await Promise.all([off.alice.stop(), off.bob.stop()]);
    const sameName = [{ xmppDomain: prosody.domain, sipDomain: kamailio.domain }];
    const { alice, bob } = await pair({ reach: "off", publishCards: false, sameName }, { sameName });
    const found = await alice.findSipAddresses(`bob@${prosody.domain}`);
    expect(found.map((c) => [c.origin, c.dial])).toEqual([["same-name", `sip:bob@${kamailio.domain}`]]);
    // A same-name link is never trusted enough to reveal alice's JID in Call-Info
    // (D6); bob finds alice by the same rule, enabled on his side too.
    await callAndWriteBack(alice, bob, found[0]!.dial, "same-name");
  });
});
