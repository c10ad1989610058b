import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { parseReach, reachOverflow, serializeReach, NS_REACH, REACH_LIMITS } from "./reach.js";
import { parsePepEvent, serializePepPublish } from "../pep/pep.js";

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

describe("XEP-0152 reach", () => {
  it("parses ordered addresses with descriptions, skipping ones without uri", () => {
    expect(parseReach(fixture("presence-reach.xml"))).toEqual([
      { uri: "sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6" },
      { uri: "sip:alice@example.com", desc: [{ lang: "en", text: "Desk phone" }, { lang: "fr", text: "Téléphone de bureau" }] },
      { uri: "tel:+15551234567" },
    ]);
  });
  it("D30: keeps the first 8 addresses, skips over-long URIs, bounds the descriptions", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ uri: `sip:u${i}@example.com`, desc: Array.from({ length: 9 }, () => ({ text: "d".repeat(1000) })) }));
    const el = serializeReach([{ uri: `sip:${"x".repeat(600)}@example.com` }, ...many]);
    const got = parseReach(el)!;
    expect(got.map((a) => a.uri)).toEqual(many.slice(0, REACH_LIMITS.addrs).map((a) => a.uri));
    expect(got[0]!.desc).toHaveLength(REACH_LIMITS.descs);
    expect(got[0]!.desc![0]!.text).toHaveLength(REACH_LIMITS.descChars);
    expect(reachOverflow(el)).toBe(10_001 - REACH_LIMITS.addrs);
  });
  it("serializes in order, round trip", () => {
    const addrs = [{ uri: "sip:a@b;gr=x" }, { uri: "sip:a@b", desc: [{ lang: "en", text: "Desk" }] }];
    const el = serializeReach(addrs);
    expect(el.toString()).toBe(
      `<reach xmlns="urn:xmpp:reach:0"><addr uri="sip:a@b;gr=x"/><addr uri="sip:a@b"><desc xml:lang="en">Desk</desc></addr></reach>`,
    );
    expect(parseReach(parseXml(el.toString()))).toEqual(addrs);
  });
  it("is absent when the stanza has none", () => {
    expect(parseReach(parseXml("<presence/>"))).toBeUndefined();
  });
  it("travels on PEP node urn:xmpp:reach:0", () => {
    const ev = parsePepEvent(fixture("pep-reach-event.xml"));
    expect(ev).toMatchObject({ kind: "item", from: "alice@example.com", node: NS_REACH, id: "current" });
    expect(ev?.kind === "item" && parseReach(ev.payload)).toEqual([{ uri: "sip:alice@example.com" }]);
    const pub = serializePepPublish(NS_REACH, serializeReach([{ uri: "sip:a@b" }]));
    expect(pub.toString()).toBe(
      `<iq type="set"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="urn:xmpp:reach:0"><item id="current">` +
        `<reach xmlns="urn:xmpp:reach:0"><addr uri="sip:a@b"/></reach></item></publish></pubsub></iq>`,
    );
  });
});
