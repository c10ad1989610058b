// RFC 3261 §7.3 header lists, compact forms, folding; §20 value grammars.
import { describe, expect, it } from "vitest";
import {
  createSipHeaders, parseAuth, parseInfo, parseNameAddr, parseRetryAfter, parseServer, parseSipMessage, parseVia,
  parseWarning, serializeAuth,
  serializeNameAddr, serializeVia, SipParseError, type SipUri,
} from "./index.js";

const base = [
  "OPTIONS sip:bob@example.com SIP/2.0",
  "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa1",
  "Max-Forwards: 70",
  "t: <sip:bob@example.com>",
  "f: <sip:alice@example.com>;tag=1",
  "i: compact@example.com",
  "CSeq: 1 OPTIONS",
];
const message = (...extra: string[]) => parseSipMessage(`${[...base, ...extra].join("\r\n")}\r\n\r\n`);

describe("SipHeaders", () => {
  it("looks up long names, compact forms and any case", () => {
    const m = message("k: path, gruu", "e: gzip", "o: presence", "u: dialog", "r: <sip:c@example.com>", "b: <sip:d@example.com>", "x: 1800", "l: 0");
    expect(m.headers.get("call-id")).toBe("compact@example.com");
    expect(m.headers.get("CALL-ID")).toBe(m.headers.get("i"));
    expect(m.headers.getAll("Supported")).toEqual(["path", "gruu"]);
    expect(m.headers.get("content-encoding")).toBe("gzip");
    expect(m.headers.get("event")).toBe("presence");
    expect(m.headers.get("allow-events")).toBe("dialog");
    expect(m.headers.get("refer-to")).toBe("<sip:c@example.com>");
    expect(m.headers.get("referred-by")).toBe("<sip:d@example.com>");
    expect(m.headers.get("session-expires")).toBe("1800");
    expect(m.headers.via()[0]!.params.get("branch")).toBe("z9hG4bKa1");
    expect(m.headers.callId()).toBe("compact@example.com");
  });

  it("splits comma lists outside quotes and <>, across lines", () => {
    const m = message(
      'Contact: "Doe, John" <sip:jo,hn@example.com>;q=0.5, <sip:two@example.com>',
      "Contact: sip:three@example.com;expires=60",
      "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>",
      "Route: <sip:p3.example.com;lr>",
    );
    const c = m.headers.contact();
    if (c === "*") throw new Error("list expected");
    expect(c.map((x) => [(x.uri as SipUri).user, x.displayName, x.q, x.expires])).toEqual([
      ["jo,hn", "Doe, John", 0.5, undefined],
      ["two", undefined, undefined, undefined],
      ["three", undefined, undefined, 60],
    ]);
    expect(m.headers.route().map((r) => (r.uri as SipUri).host)).toEqual(["p1.example.com", "p2.example.com", "p3.example.com"]);
  });

  it("never splits headers whose grammar holds commas", () => {
    const m = message(
      'WWW-Authenticate: Digest realm="a", nonce="1", qop="auth,auth-int"',
      'WWW-Authenticate: Digest realm="b", nonce="2", algorithm=SHA-256',
      "Date: Sat, 13 Nov 2010 23:29:00 GMT",
      "User-Agent: phone (v1, build 2)",
      "Subject: lunch, maybe",
    );
    expect(m.headers.getAll("www-authenticate")).toHaveLength(2);
    expect(m.headers.get("date")).toBe("Sat, 13 Nov 2010 23:29:00 GMT");
    expect(m.headers.getAll("user-agent")).toEqual(["phone (v1, build 2)"]);
    expect(m.headers.getAll("s")).toEqual(["lunch, maybe"]);
  });

  it("unfolds continuation lines to one SP", () => {
    const m = parseSipMessage(`${base.join("\r\n")}\r\nSubject: first\r\n   second\r\n\tthird\r\n\r\n`);
    expect(m.headers.get("subject")).toBe("first second third");
  });

  it("set / append / delete keep order and original names", () => {
    const h = createSipHeaders([["Via", "SIP/2.0/UDP a;branch=z9hG4bK1"], ["To", "<sip:x@y>"], ["Via", "SIP/2.0/UDP b;branch=z9hG4bK2"]]);
    h.append("v", "SIP/2.0/TCP c;branch=z9hG4bK0", { first: true });
    expect(h.via().map((v) => v.host)).toEqual(["c", "a", "b"]);
    h.set("To", "<sip:z@y>;tag=9");
    expect(h.to()?.tag).toBe("9");
    h.delete("VIA");
    expect(h.via()).toEqual([]);
    h.append("X-Custom", "1");
    h.set("x-custom", ["2", "3"]);
    expect(h.entries()).toEqual([{ name: "To", value: "<sip:z@y>;tag=9" }, { name: "x-custom", value: "2" }, { name: "x-custom", value: "3" }]);
    const copy = h.clone();
    copy.delete("to");
    expect(h.has("to")).toBe(true);
  });

  it("Contact: * stands alone", () => {
    expect(message("Contact: *", "Expires: 0").headers.contact()).toBe("*");
    expect(() => message("Contact: *", "Contact: <sip:a@b>")).toThrow(SipParseError);
  });

  it("typed accessors return undefined or [] when absent", () => {
    const h = createSipHeaders();
    expect([h.from(), h.to(), h.callId(), h.cseq(), h.maxForwards(), h.contentLength(), h.contentType(), h.expires()])
      .toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    expect([h.via(), h.contact(), h.route(), h.recordRoute()]).toEqual([[], [], [], []]);
  });
});

describe("value parsers", () => {
  it("Via with spaces, IPv6, received and rport", () => {
    const v = parseVia("SIP / 2.0 / tcp [2001:db8::1] : 5062 ; branch = z9hG4bKx ; rport ; received=2001:db8::2");
    expect(v).toEqual({
      protocol: "SIP/2.0", transport: "TCP", host: "[2001:db8::1]", port: 5062,
      params: new Map<string, string | null>([["branch", "z9hG4bKx"], ["rport", null], ["received", "2001:db8::2"]]),
    });
    expect(serializeVia(v)).toBe("SIP/2.0/TCP [2001:db8::1]:5062;branch=z9hG4bKx;rport;received=2001:db8::2");
    expect(parseVia(serializeVia(v))).toEqual(v);
    for (const bad of ["SIP/2.0 host", "SIP/2.0/UDP", "SIP/2.0/UDP host;received=nothost", "SIP/2.0/UDP host;ttl=300", "SIP/2.0/UDP host:x"]) {
      expect(() => parseVia(bad), bad).toThrow(SipParseError);
    }
  });

  it("name-addr vs addr-spec", () => {
    const na = parseNameAddr('"A \\"B\\"" <sip:a@b.example.com;lr>;tag=x;+sip.instance="<urn:uuid:1>"');
    expect(na.displayName).toBe('A "B"');
    expect([...(na.uri as SipUri).params]).toEqual([["lr", null]]);
    expect([...na.params]).toEqual([["tag", "x"], ["+sip.instance", "<urn:uuid:1>"]]);
    expect(serializeNameAddr(na)).toBe('"A \\"B\\"" <sip:a@b.example.com;lr>;tag=x;+sip.instance="<urn:uuid:1>"');
    expect(parseNameAddr(serializeNameAddr(na))).toEqual(na);
    const spec = parseNameAddr("sip:a@b.example.com;lr;tag=x");
    expect((spec.uri as SipUri).params.size).toBe(0);
    expect([...spec.params]).toEqual([["lr", null], ["tag", "x"]]);
    expect(serializeNameAddr(spec)).toBe("<sip:a@b.example.com>;lr;tag=x");
    expect(parseNameAddr("Alice  Smith<sip:a@b>").displayName).toBe("Alice Smith");
  });

  it("auth challenges and credentials", () => {
    const c = parseAuth('Digest realm="biloxi.com", qop="auth,auth-int", nonce="dcd98b", opaque="5ccc", algorithm=MD5, stale=FALSE');
    expect(c.scheme).toBe("Digest");
    expect(Object.fromEntries(c.params)).toEqual({ realm: "biloxi.com", qop: "auth,auth-int", nonce: "dcd98b", opaque: "5ccc", algorithm: "MD5", stale: "FALSE" });
    expect(serializeAuth(c, false)).toBe('Digest realm="biloxi.com", qop="auth,auth-int", nonce="dcd98b", opaque="5ccc", algorithm=MD5, stale=FALSE');
    const r = parseAuth('Digest username="bob", uri="sip:a@b", qop=auth, nc=00000001, response="x\\"y"');
    expect(r.params.get("response")).toBe('x"y');
    expect(serializeAuth(r, true)).toBe('Digest username="bob", uri="sip:a@b", qop=auth, nc=00000001, response="x\\"y"');
    expect(parseAuth("Basic dXNlcjpwYXNz")).toEqual({ scheme: "Basic", params: new Map(), token: "dXNlcjpwYXNz" });
    expect(parseAuth("NoOneKnowsThisScheme opaque-data=here").params.get("opaque-data")).toBe("here");
    expect(() => parseAuth('Digest realm="unterminated')).toThrow(SipParseError);
  });

  it("Call-Info with an xmpp URI and purpose=impp (protocol.md §5)", () => {
    const info = parseInfo("<xmpp:alice@example.com/desk-3f2a?message;type=chat;thread=5c1b>;purpose=impp");
    expect(info).toEqual({ uri: "xmpp:alice@example.com/desk-3f2a?message;type=chat;thread=5c1b", params: new Map([["purpose", "impp"]]) });
  });

  it("comments where the grammar has them: Retry-After, Server / User-Agent", () => {
    expect(parseRetryAfter("18000 (in a (meeting) \\) now) ;duration=3600")).toEqual({
      seconds: 18000, comment: "in a (meeting) \\) now", params: new Map([["duration", "3600"]]),
    });
    expect(() => parseRetryAfter("18446744073709551616")).toThrow(/too large/);
    expect(parseServer("HomeServer/2.1 (Linux, x86) libsip")).toEqual([
      { product: "HomeServer", version: "2.1" }, { comment: "Linux, x86" }, { product: "libsip" },
    ]);
    expect(() => parseServer("broken (unterminated")).toThrow(SipParseError);
  });

  it("Warning: 3-digit code, agent, quoted text", () => {
    expect(parseWarning('307 isi.example.com "Session parameter \\"foo\\" not understood"')).toEqual({
      code: 307, agent: "isi.example.com", text: 'Session parameter "foo" not understood',
    });
    expect(() => parseWarning('1812 overture "In Progress"')).toThrow(SipParseError);
  });
});
