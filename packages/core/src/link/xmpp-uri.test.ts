// RFC 5122 / XEP-0147 xmpp: URIs and RFC 6993 Call-Info values (protocol.md §5).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError } from "../util/errors.js";
import {
  parseCallInfo,
  parseXmppUri,
  readImppContacts,
  serializeImppCallInfo,
  serializeXmppUri,
  type XmppUri,
} from "./xmpp-uri.js";

const PROTOCOL_EXAMPLE =
  "<xmpp:alice@example.com/desk-3f2a?message;type=chat;thread=5c1b0f3a9d7e4a2c8f61b3e0d4a7c925>;purpose=impp";

describe("parseXmppUri", () => {
  const ok: [string, Partial<XmppUri>][] = [
    ["xmpp:bob@example.net", { local: "bob", domain: "example.net", resource: "", params: {} }],
    ["xmpp:alice@example.com/desk-3f2a", { local: "alice", resource: "desk-3f2a" }],
    [
      "xmpp:alice@example.com/desk-3f2a?message;type=chat;thread=5c1b0f3a9d7e4a2c8f61b3e0d4a7c925",
      { action: "message", params: { type: "chat", thread: "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925" } },
    ],
    ["XMPP:Bob@EXAMPLE.net", { local: "Bob", domain: "example.net" }],
    ["xmpp:example.com", { local: "", domain: "example.com" }],
    ["xmpp:ren%C3%A9@example.com/caf%C3%A9%20au%20lait", { local: "rené", resource: "café au lait" }],
    ["xmpp:a+b=c!@example.com", { local: "a+b=c!" }],
    ["xmpp:bob@example.net/a%2Fb/c", { resource: "a/b/c" }],
    ["xmpp://guest@example.com/support@example.com?message", { local: "support", domain: "example.com", action: "message" }],
    ["xmpp:bob@example.net#frag", { resource: "", params: {} }],
    ["xmpp:bob@example.net?subscribe", { action: "subscribe", params: {} }],
    ["xmpp:bob@example.net?message;thread=a%3Bb%3Dc;thread=second;novalue", { params: { thread: "a;b=c", novalue: "" } }],
  ];
  it.each(ok)("%s", (text, want) => {
    expect(parseXmppUri(text)).toMatchObject(want);
  });

  const bad = [
    "sip:bob@example.net",
    "xmpp:",
    "xmpp:@example.com",
    "xmpp:bob@",
    "xmpp:bob@example.net/",
    "xmpp:b%zzob@example.net",
    "xmpp:b%C3%28@example.net",
    "xmpp:bob%00@example.net",
    "xmpp:a%40b@example.net",
    "xmpp:d'artagnan@example.net",
    "xmpp:a%26b@example.net",
    "xmpp:bob@exa mple.net",
    "xmpp://authority-only",
  ];
  it.each(bad)("refuses %s with a ParseError", (text) => {
    expect(() => parseXmppUri(text)).toThrow(ParseError);
  });

  it("throws nothing but ParseError on noise", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = "xmp:@/?;=%#&'<>AZaz09\u00e9\u0000 ";
    for (let i = 0; i < 2000; i++) {
      const s = "xmpp:" + Array.from({ length: Math.floor(rnd() * 20) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
      try {
        parseXmppUri(s);
      } catch (e) {
        expect(e).toBeInstanceOf(ParseError);
      }
    }
  });
});

describe("serializeXmppUri", () => {
  const cases: [XmppUri, string][] = [
    [{ local: "bob", domain: "Example.NET", resource: "", params: {} }, "xmpp:bob@example.net"],
    [{ local: "a+b=c", domain: "x.org", resource: "it's:me & you", params: {} }, "xmpp:a+b=c@x.org/it's:me%20&%20you"],
    [{ local: "rené", domain: "x.org", resource: "a/b?c#d", params: {} }, "xmpp:ren%C3%A9@x.org/a%2Fb%3Fc%23d"],
    [{ local: "a", domain: "x.org", resource: "", action: "message", params: { body: "hi; there=1" } }, "xmpp:a@x.org?message;body=hi%3B%20there%3D1"],
  ];
  it.each(cases)("%j", (uri, text) => {
    expect(serializeXmppUri(uri)).toBe(text);
    expect(parseXmppUri(text)).toEqual({ ...uri, domain: uri.domain.toLowerCase() });
  });
});

describe("Call-Info", () => {
  it("builds the value of protocol.md §5", () => {
    expect(serializeImppCallInfo("alice@example.com/desk-3f2a", "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925")).toBe(PROTOCOL_EXAMPLE);
  });

  it("splits a header value into entries", () => {
    expect(parseCallInfo(`<http://x/a.png> ;purpose=icon, <xmpp:b@x> ; Purpose="impp";x, junk`)).toEqual([
      { uri: "http://x/a.png", params: { purpose: "icon" } },
      { uri: "xmpp:b@x", params: { purpose: "impp", x: "" } },
    ]);
    expect(parseCallInfo("")).toEqual([]);
    expect(parseCallInfo("no angle brackets")).toEqual([]);
  });

  it("reads the plain, full-JID and query forms and nothing else", () => {
    const got = readImppContacts([
      "<xmpp:bob@example.net>;purpose=impp", // what Jitsi sends
      "<xmpp:Carol@Example.org/phone>;PURPOSE=IMPP, <xmpp:dave@x>;purpose=info",
      PROTOCOL_EXAMPLE,
      "<sip:eve@x>;purpose=impp, <xmpp:bad%zz@x>;purpose=impp, <xmpp:frank@x?message;thread=has space>;purpose=impp",
      `<xmpp:gina@x?message;thread=${"a".repeat(300)}>;purpose=impp`,
    ]);
    expect(got).toEqual([
      { jid: "bob@example.net", bare: "bob@example.net" },
      { jid: "Carol@example.org/phone", bare: "Carol@example.org", resource: "phone" },
      { jid: "alice@example.com/desk-3f2a", bare: "alice@example.com", resource: "desk-3f2a", thread: "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925" },
      { jid: "frank@x", bare: "frank@x" },
      { jid: "gina@x", bare: "gina@x" },
    ]);
  });

  it("round-trips a full JID with characters to escape", () => {
    const value = serializeImppCallInfo("josé@example.com/desk 1/a?b", "00ff");
    expect(value).toBe("<xmpp:jos%C3%A9@example.com/desk%201%2Fa%3Fb?message;type=chat;thread=00ff>;purpose=impp");
    expect(readImppContacts([value])).toEqual([{ jid: "josé@example.com/desk 1/a?b", bare: "josé@example.com", resource: "desk 1/a?b", thread: "00ff" }]);
  });
});

describe("Call-Info in golden INVITEs", () => {
  // Header lines only: link/ reads values; parsing SIP is sip/message's job.
  const callInfo = (file: string) =>
    readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "latin1")
      .split("\r\n")
      .filter((l) => /^call-info\s*:/i.test(l))
      .map((l) => l.slice(l.indexOf(":") + 1));

  it.each([
    ["invite-cusax.sip", [{ jid: "alice@example.com/desk-3f2a", bare: "alice@example.com", resource: "desk-3f2a", thread: "5c1b0f3a9d7e4a2c8f61b3e0d4a7c925" }]],
    ["invite-jitsi.sip", [{ jid: "carol@example.org", bare: "carol@example.org" }]],
  ])("%s", (file, want) => {
    expect(readImppContacts(callInfo(file))).toEqual(want);
  });
});
