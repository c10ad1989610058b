import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseXml } from "../xml.js";
import { parseVcard4, serializeVcard4, serializeVcard4Publish, serializeVcard4Query } from "./vcard4.js";
import { parseVcardTemp, serializeVcardTemp, serializeVcardTempQuery } from "./vcard-temp.js";
import { sipImpps, xmppImpps, type Vcard } from "./vcard.js";

const fixture = (name: string) => parseXml(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));

const alice: Vcard = {
  fn: "Alice Example",
  nickname: "alice",
  tels: [{ number: "+15551234567", types: ["work", "voice"] }],
  impps: ["sip:alice@example.com", "xmpp:alice@example.com"],
  emails: ["alice@example.com"],
};

describe("vCard4 (XEP-0292)", () => {
  it("reads a PEP items result with tel and impp", () => {
    const v = parseVcard4(fixture("vcard4-items.xml"))!;
    expect(v).toEqual({
      fn: "Peter Saint-Andre",
      nickname: "stpeter",
      tels: [{ number: "+1-303-308-3282", types: ["work", "voice"] }],
      impps: ["xmpp:stpeter@jabber.org", "sip:stpeter@example.com"],
      emails: ["peter@example.com"],
    });
    expect(sipImpps(v)).toEqual(["sip:stpeter@example.com"]);
    expect(xmppImpps(v)).toEqual(["stpeter@jabber.org"]);
  });
  it("round-trips and publishes on urn:xmpp:vcard4", () => {
    expect(parseVcard4(parseXml(serializeVcard4(alice).toString()))).toEqual(alice);
    const pub = serializeVcard4Publish(alice).toString();
    expect(pub).toContain(`<publish node="urn:xmpp:vcard4"><item id="current"><vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0">`);
    expect(pub).toContain(`<tel><parameters><type><text>work</text><text>voice</text></type></parameters><uri>tel:+15551234567</uri></tel>`);
    expect(serializeVcard4Query("bob@x").toString()).toBe(
      `<iq type="get" to="bob@x"><pubsub xmlns="http://jabber.org/protocol/pubsub"><items node="urn:xmpp:vcard4" max_items="1"/></pubsub></iq>`,
    );
  });
  it("is undefined without a vcard", () => {
    expect(parseVcard4(parseXml("<iq type='result'/>"))).toBeUndefined();
  });
});

describe("vcard-temp (XEP-0054)", () => {
  it("reads TEL, EMAIL and JABBERID, skipping empty numbers", () => {
    const v = parseVcardTemp(fixture("vcard-temp.xml"))!;
    expect(v).toEqual({
      fn: "Jeremie Miller",
      nickname: "jer",
      tels: [{ number: "+1-303-555-1212", types: ["work", "voice"] }],
      impps: ["xmpp:jer@jabber.org"],
      emails: ["jeremie@jabber.org"],
      jabberId: "jer@jabber.org",
    });
  });
  it("serializes TEL with type flags", () => {
    expect(serializeVcardTemp({ ...alice, impps: [] }).toString()).toBe(
      `<vCard xmlns="vcard-temp"><FN>Alice Example</FN><NICKNAME>alice</NICKNAME>` +
        `<TEL><WORK/><VOICE/><NUMBER>+15551234567</NUMBER></TEL><EMAIL><INTERNET/><USERID>alice@example.com</USERID></EMAIL></vCard>`,
    );
    expect(serializeVcardTempQuery().toString()).toBe(`<iq type="get"><vCard xmlns="vcard-temp"/></iq>`);
  });
});
