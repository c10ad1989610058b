// XEP-0292 vCard4 over PEP and XEP-0054 vcard-temp round trips, between two of our clients.
import { describe, expect, it } from "vitest";
import { startProsody, useCleanup } from "../index.js";
import { makeClient, next } from "./helpers.js";
import type { Vcard, XmppClient } from "../../../packages/core/src/xmpp/index.js";

const track = useCleanup();

async function befriend(a: XmppClient, b: XmppClient, aBare: string, bBare: string): Promise<void> {
  for (const [from, to, fromBare, toBare] of [[a, b, aBare, bBare], [b, a, bBare, aBare]] as const) {
    const asked = next(to, "subscriptionRequest", (r) => r.from === fromBare);
    await from.subscribe(toBare);
    await asked;
    const subscribed = next(from, "rosterChange", (c) => c.kind === "set" && c.item.jid === toBare && ["to", "both"].includes(c.item.subscription));
    await to.approve(fromBare);
    await subscribed;
  }
}

describe("vCards", () => {
  it("round-trips vCard4 (PEP) and vcard-temp with TEL and IMPP", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const alice = track(makeClient(prosody, "alice"));
    const bob = track(makeClient(prosody, "bob"));
    await alice.start();
    await bob.start();
    const aliceBare = `alice@${prosody.domain}`;
    await befriend(alice, bob, aliceBare, `bob@${prosody.domain}`);

    const card: Vcard = {
      fn: "Alice Example",
      tels: [{ number: "+15551234567", types: ["work", "voice"] }],
      impps: [`sip:alice@${prosody.domain}`, `xmpp:${aliceBare}`],
      emails: [],
    };
    await alice.publishVcard4(card);
    expect(await alice.fetchVcard4()).toEqual(card);
    expect(await bob.fetchVcard4(aliceBare)).toEqual(card);

    await alice.publishVcardTemp({ ...card, impps: [], jabberId: aliceBare });
    const legacy = await bob.fetchVcardTemp(aliceBare);
    expect(legacy).toMatchObject({ fn: "Alice Example", jabberId: aliceBare });
    // Prosody's mod_vcard_legacy maps vcard-temp onto vCard4 and back, keeping the number and the main type.
    expect(legacy?.tels[0]).toMatchObject({ number: "+15551234567", types: expect.arrayContaining(["work"]) });
    expect(legacy?.impps).toEqual([`xmpp:${aliceBare}`]);
  });
});
