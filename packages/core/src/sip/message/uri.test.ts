// RFC 3261 §19.1 URIs, §19.1.4 comparison examples, RFC 3966 tel, RFC 5118/5954 IPv6.
import { describe, expect, it } from "vitest";
import { parseUri, serializeUri, SipParseError, uriEquals, type SipUri } from "./index.js";

const sip = (s: string) => parseUri(s) as SipUri;

describe("parseUri / serializeUri", () => {
  it("parses every part of a SIP URI", () => {
    const u = sip("sips:alice:secret@Atlanta.Example.com:5061;transport=TCP;lr;maddr=[2001:db8::1]?subject=hi%20there&priority=urgent");
    expect(u).toEqual({
      scheme: "sips", user: "alice", password: "secret", host: "Atlanta.Example.com", port: 5061,
      params: new Map<string, string | null>([["transport", "TCP"], ["lr", null], ["maddr", "[2001:db8::1]"]]),
      headers: [["subject", "hi there"], ["priority", "urgent"]],
    });
    expect(serializeUri(u)).toBe("sips:alice:secret@Atlanta.Example.com:5061;transport=TCP;lr;maddr=[2001:db8::1]?subject=hi%20there&priority=urgent");
  });

  it("lower-cases the scheme and parameter names, keeps values", () => {
    const u = sip("SIP:bob@host;Transport=UDP;User=Phone");
    expect(u.scheme).toBe("sip");
    expect([...u.params]).toEqual([["transport", "UDP"], ["user", "Phone"]]);
  });

  it("escapes what needs escaping when writing", () => {
    const u: SipUri = { scheme: "sip", user: "a b@c%", host: "example.com", params: new Map([["x", "1 2"]]), headers: [["h", "<v&w>"]] };
    const s = serializeUri(u);
    expect(s).toBe("sip:a%20b%40c%25@example.com;x=1%202?h=%3Cv%26w%3E");
    expect(parseUri(s)).toEqual(u);
  });

  it("parses tel URIs (RFC 3966)", () => {
    const t = sip("tel:+1-201-555-0123;phone-context=example.com;ext=12");
    expect(t).toMatchObject({ scheme: "tel", user: "+1-201-555-0123", host: "" });
    expect([...t.params]).toEqual([["phone-context", "example.com"], ["ext", "12"]]);
    expect(serializeUri(t)).toBe("tel:+1-201-555-0123;phone-context=example.com;ext=12");
  });

  it("keeps other schemes raw", () => {
    expect(parseUri("urn:service:sos")).toBe("urn:service:sos");
    expect(parseUri("xmpp:alice@example.com/desk?message;type=chat")).toBe("xmpp:alice@example.com/desk?message;type=chat");
  });

  it("RFC 5118: IPv6 references", () => {
    expect(sip("sip:[2001:db8::10]:5070")).toMatchObject({ host: "[2001:db8::10]", port: 5070 });
    expect(sip("sip:[2001:db8::10:5070]")).toMatchObject({ host: "[2001:db8::10:5070]" });
    expect(sip("sip:alice@[::ffff:192.0.2.10]")).toMatchObject({ host: "[::ffff:192.0.2.10]" });
    for (const bad of ["sip:2001:db8::10", "sip:[2001:db8:::192.0.2.1]", "sip:[2001:db8::10", "sip:[zz::1]"]) {
      expect(() => parseUri(bad), bad).toThrow(SipParseError);
    }
  });

  it("refuses malformed URIs with SipParseError", () => {
    for (const bad of ["", "sip:", "<sip:a@b>", "sip:@host", "sip:a@host:99999", "sip:a@host:", "sip:a@host;=x",
      "sip:a@host;x=", "sip:a@ho st", "sip:a%2@host", "sip:a@host?x", "tel:", "tel:+1;=2", "1sip:x", "sip:a@b>"]) {
      expect(() => parseUri(bad), JSON.stringify(bad)).toThrow(SipParseError);
    }
  });
});

describe("uriEquals (RFC 3261 §19.1.4)", () => {
  const equal = [
    ["sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=Tcp"],
    ["sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"],
    ["sip:carol@chicago.com", "sip:carol@chicago.com;security=on"],
    ["sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"],
    ["sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"],
    ["sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x"],
    // RFC 5954 §4: IPv6 references compare by address.
    ["sip:bob@[2001:db8::9:1]", "sip:bob@[2001:DB8:0:0:0:0:9:0001]"],
    ["sip:bob@[::ffff:192.0.2.1]", "sip:bob@[::ffff:c000:201]"],
    ["tel:+1-201-555-0123", "tel:+1.201.555.0123"],
  ];
  const different = [
    ["SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"],
    ["sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"],
    ["sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"],
    ["sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"],
    ["sip:alice@atlanta.com", "sips:alice@atlanta.com"],
    ["sip:alice@atlanta.com", "sip:alice@atlanta.com;maddr=239.255.255.1"],
    ["sip:alice@atlanta.com", "sip:alice@atlanta.com;user=phone"],
    ["sip:alice:pw@atlanta.com", "sip:alice@atlanta.com"],
  ];
  for (const [a, b] of equal) {
    it(`${a} == ${b}`, () => {
      expect(uriEquals(parseUri(a!), parseUri(b!))).toBe(true);
      expect(uriEquals(parseUri(b!), parseUri(a!))).toBe(true);
    });
  }
  for (const [a, b] of different) {
    it(`${a} != ${b}`, () => {
      expect(uriEquals(parseUri(a!), parseUri(b!))).toBe(false);
      expect(uriEquals(parseUri(b!), parseUri(a!))).toBe(false);
    });
  }
});
