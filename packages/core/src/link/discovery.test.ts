// protocol.md §7 UC-a / UC-b discovery orders.
import { describe, expect, it } from "vitest";
import { jidCandidatesForSip, sipCandidatesForJid, type JidEvidence, type SipEvidence } from "./discovery.js";

const ctx = { ourSipDomain: "Sip.Example.com" };
const short = (cs: { dial: string; origin: string }[]) => cs.map((c) => `${c.origin} ${c.dial}`);

describe("sipCandidatesForJid (UC-a)", () => {
  const table: [string, JidEvidence, object, string[]][] = [
    ["nothing known: ask the user", {}, {}, []],
    [
      "reach first (GRUU kept for dialling), then PEP, then vCards",
      {
        vcardTemp: { tel: ["+1 555 000 1111"] },
        vcard4: { impp: ["xmpp:alice@example.com", "sip:alice.work@example.com"], tel: ["tel:+1-555-123-4567"] },
        pepReach: ["sip:alice@example.com"],
        presenceReach: ["sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "sip:alice@example.com", "tel:+15551234567"],
      },
      {},
      [
        "reach sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "reach sip:+15551234567@sip.example.com;user=phone",
        "vcard4 sip:alice.work@example.com",
        "vcard-temp sip:+15550001111@sip.example.com;user=phone",
      ],
    ],
    [
      "the user's stored answer comes first",
      { user: ["sip:a@b"], presenceReach: ["sip:x@y", "sip:A@B"] },
      {},
      ["user sip:a@b", "reach sip:x@y", "reach sip:A@B"],
    ],
    [
      "same-name only for an enabled domain pair, and last",
      { vcard4: { impp: [], tel: ["+15550000000"] } },
      { sameName: [{ xmppDomain: "example.com", sipDomain: "voip.example.com" }, { xmppDomain: "other.org", sipDomain: "x" }] },
      ["vcard4 sip:+15550000000@sip.example.com;user=phone", "same-name sip:alice@voip.example.com"],
    ],
    [
      "garbage and other schemes are skipped",
      { presenceReach: ["mailto:a@b", "xmpp:a@b", "sip:", "http://x", "tel:", "not a number", "sips:alice@secure.example.com"] },
      {},
      ["reach sips:alice@secure.example.com"],
    ],
    [
      "local numbers keep their phone-context in the user part (RFC 3261 §19.1.6)",
      { vcardTemp: { tel: ["7042", "tel:7043;phone-context=pbx.example.com"] } },
      {},
      ["vcard-temp sip:7042@sip.example.com;user=phone", "vcard-temp sip:7043;phone-context=pbx.example.com@sip.example.com;user=phone"],
    ],
    [
      "a sip: URI holding a global number is a tel number",
      { presenceReach: ["sip:+15551234567@carrier.net;user=phone", "tel:+1.555.123.4567"] },
      {},
      ["reach sip:+15551234567@sip.example.com;user=phone"],
    ],
  ];
  it.each(table)("%s", (_name, ev, extra, want) => {
    expect(short(sipCandidatesForJid("Alice@Example.com/desk", ev, { ...ctx, ...extra }))).toEqual(want);
  });

  it("gives normalised addresses for the link table", () => {
    const [c] = sipCandidatesForJid("alice@example.com", { presenceReach: ["sip:alice@Example.com;gr=x"] }, ctx);
    expect(c!.address).toEqual({ kind: "sip", value: "sip:alice@example.com" });
  });
});

describe("jidCandidatesForSip (UC-b)", () => {
  const table: [string, SipEvidence, object, string[]][] = [
    ["nothing known: ask the user", {}, {}, []],
    [
      "user, Call-Info, vCard4 impp, then same-name",
      { vcard4Impp: ["xmpp:bob%2Bwork@example.net?message", "sip:bob@example.net", "xmpp:bob@example.net"], callInfo: ["Bob@Example.net/desk"], user: ["robert@home.org"] },
      { sameName: [{ xmppDomain: "chat.example.net", sipDomain: "example.net" }] },
      ["user robert@home.org", "call-info bob@example.net", "vcard4 bob+work@example.net", "same-name bob@chat.example.net"],
    ],
    ["same-name not enabled for this pair", {}, { sameName: [{ xmppDomain: "x", sipDomain: "other.net" }] }, []],
    ["bad values are skipped", { callInfo: ["", "@x", "xmpp:%zz@x", "example.net"] }, {}, []],
  ];
  it.each(table)("%s", (_name, ev, extra, want) => {
    expect(jidCandidatesForSip("sip:bob@example.net;transport=tls", ev, extra).map((c) => `${c.origin} ${c.jid}`)).toEqual(want);
  });

  it("does not turn a phone number into a JID by the same-name rule", () => {
    const pairs = { sameName: [{ xmppDomain: "example.net", sipDomain: "example.net" }] };
    expect(jidCandidatesForSip("sip:+15551234567@example.net", {}, pairs)).toEqual([]);
    expect(jidCandidatesForSip("sip:15551234567@example.net", {}, pairs)).toEqual([]);
  });
});
