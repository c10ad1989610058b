// RFC 4475 (torture tests) and RFC 5118 (IPv6) verdicts over fixtures/*.sip, plus round trips.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  parseSipMessage, serializeSipMessage, SipParseError, validateRequest, validateResponse,
  type SipMessage, type SipUri,
} from "./index.js";

const dir = fileURLToPath(new URL("./fixtures/", import.meta.url));
const load = (name: string) => readFileSync(`${dir}${name}.sip`);

type Verdict = { valid: true } | { valid: false; status: number };
const ok: Verdict = { valid: true };
const bad = (status = 400): Verdict => ({ valid: false, status });

/**
 * Our verdict per fixture: "invalid" means parseSipMessage throws (status from
 * the error) or validateRequest/validateResponse reports a fatal problem.
 * Responses are never answered; their status only says "dropped".
 */
const VERDICTS: Record<string, Verdict> = {
  // RFC 4475 §3.1.1: valid messages.
  wsinv: ok, intmeth: ok, esc01: ok, escnull: ok, esc02: ok, lwsdisp: ok, longreq: ok,
  dblreq: ok, semiuri: ok, transports: ok, mpart01: ok, unreason: ok, noreason: ok,
  // RFC 4475 §3.1.2: invalid messages.
  badinv01: bad(), clerr: bad(), ncl: bad(), scalar02: bad(), scalarlg: bad(), quotbal: bad(),
  ltgtruri: bad(), lwsruri: bad(), lwsstart: bad(),
  // trws: the RFC allows being lenient about trailing SP; we follow the grammar.
  trws: bad(),
  escruri: bad(),
  // baddate: the RFC lets an element ignore Date; we refuse a non-GMT Date.
  baddate: bad(),
  regbadct: bad(), badaspec: bad(), baddn: bad(), badvers: bad(505), mismatch01: bad(), mismatch02: bad(),
  bigcode: bad(),
  // RFC 4475 §3.2.1: the branch is only the magic cookie; we answer 400 rather than fall back to RFC 2543 matching.
  badbranch: bad(),
  // RFC 4475 §3.3: application-layer semantics.
  insuf: bad(), // parseable; missing To/From/Call-ID -> validateRequest says 400
  unkscm: bad(416), novelsc: bad(416), // Request-URI kept raw; we answer 416
  unksm2: ok, // odd schemes in To/From/Contact parse; a registrar decides what to do with them
  bext01: ok, invut: ok, regaut01: ok, // 420 / 415 / 401 are decisions of higher layers
  multi01: bad(), mcl01: bad(), bcast: ok, zeromf: ok, cparam01: ok, cparam02: ok, regescrt: ok, sdp01: ok,
  // RFC 4475 §3.4.1: RFC 2543 INVITE (no branch, no Max-Forwards, no tag) must be accepted.
  inv2543: ok,
  // RFC 5118.
  "ipv6-good": ok, "ipv6-bad": bad(), "port-ambiguous": ok, "port-unambiguous": ok,
  "via-received-param-with-delim": ok, "via-received-param-no-delim": ok, "ipv4-mapped-ipv6": ok,
  "mult-ip-in-header": ok, "ipv6-in-sdp": ok, "ipv6-bug-abnf-3-colons": bad(), "ipv6-correct-abnf-2-colons": ok,
  // Everyday messages.
  "invite-sdp": ok, ok200: ok, "register-auth": ok, unauthorized401: ok, "register-gruu-ok": ok, notify: ok,
  "ack-tel": ok,
};

function verdict(data: Uint8Array): Verdict {
  let msg: SipMessage;
  try {
    msg = parseSipMessage(data);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return bad(e.status);
  }
  const problems = (msg.kind === "request" ? validateRequest(msg) : validateResponse(msg)).filter((p) => p.fatal);
  return problems.length === 0 ? ok : bad(problems[0]!.status);
}

/** Structural view for equality: headers as (key, value) pairs, ignoring Content-Length. */
function view(m: SipMessage) {
  const headers = m.headers.entries()
    .map((e) => [e.name.toLowerCase(), e.value])
    .filter(([k]) => k !== "content-length" && k !== "l");
  const start = m.kind === "request" ? { method: m.method, uri: m.uri } : { status: m.status, reason: m.reason };
  return { kind: m.kind, version: m.version, ...start, headers: headers.length, body: Buffer.from(m.body).toString("hex") };
}

describe("fixture verdicts (RFC 4475, RFC 5118)", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".sip")).map((f) => f.slice(0, -4));

  it("has a verdict for every fixture and a fixture for every verdict", () => {
    expect(files.sort()).toEqual(Object.keys(VERDICTS).sort());
  });

  for (const [name, expected] of Object.entries(VERDICTS)) {
    it(`${name} -> ${expected.valid ? "valid" : `invalid ${expected.status}`}`, () => {
      expect(verdict(load(name))).toEqual(expected);
    });
  }

  it("parses every valid fixture from a string too", () => {
    for (const [name, v] of Object.entries(VERDICTS)) {
      if (!v.valid || name === "mpart01") continue; // mpart01's body is not UTF-8
      const fromString = parseSipMessage(load(name).toString("utf8"));
      expect(view(fromString)).toEqual(view(parseSipMessage(load(name))));
    }
  });
});

describe("round trip", () => {
  for (const [name, v] of Object.entries(VERDICTS)) {
    if (!v.valid) continue;
    it(`parse(serialize(parse(${name}))) equals parse(${name})`, () => {
      const a = parseSipMessage(load(name));
      const wire = serializeSipMessage(a);
      const b = parseSipMessage(wire);
      expect(view(b)).toEqual(view(a));
      expect(b.headers.entries().filter((e) => !/^(content-length|l)$/i.test(e.name)).map((e) => e.value))
        .toEqual(a.headers.entries().filter((e) => !/^(content-length|l)$/i.test(e.name)).map((e) => e.value));
      expect(b.headers.contentLength()).toBe(a.body.length);
      // Serializing is idempotent once canonical.
      expect(Buffer.from(serializeSipMessage(b)).equals(Buffer.from(wire))).toBe(true);
    });
  }

  it("writes canonical long names, CRLF and a fresh Content-Length", () => {
    const m = parseSipMessage(load("notify"));
    const text = Buffer.from(serializeSipMessage(m)).toString("utf8");
    expect(text).toContain("\r\nEvent: refer;id=93809824\r\n");
    expect(text).toContain("\r\nContent-Type: message/sipfrag;version=2.0\r\n");
    expect(text).toContain(`\r\nContent-Length: ${m.body.length}\r\n\r\n`);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });
});

describe("what the torture messages mean", () => {
  it("wsinv: folding, odd spacing and compact forms", () => {
    const m = parseSipMessage(load("wsinv"));
    if (m.kind !== "request") throw new Error("request expected");
    expect(m.headers.to()?.tag).toBe("8321234356");
    expect(m.headers.from()).toMatchObject({ displayName: 'J Doe \\"', tag: "12asd8e" });
    expect(m.headers.maxForwards()).toBe(68);
    expect(m.headers.cseq()).toEqual({ seq: 9, method: "INVITE" });
    expect(m.headers.via().map((v) => [v.transport, v.host, v.params.get("branch")])).toEqual([
      ["UDP", "192.0.2.2", "z9hG4bKws01kj"],
      ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
      ["UDP", "192.168.255.111", "z9hG4bK30239"],
    ]);
    expect(m.headers.get("subject")).toBe("");
    expect(m.headers.get("NewFangledHeader")).toBe("new value that continues here");
    expect(m.headers.get("unknownheaderwithunusualvalue")).toBe(";;");
    const contact = m.headers.contact();
    expect(contact).not.toBe("*");
    expect(contact[0]).toMatchObject({ displayName: 'Quoted string ""', q: 0.33 });
    expect((contact as { params: Map<string, string | null> }[])[0]!.params).toEqual(
      new Map([["newparam", "newvalue"], ["secondparam", null], ["q", "0.33"]]),
    );
    expect((m.headers.route()[0]!.uri as SipUri).params.get("unknown-no-value")).toBeNull();
  });

  it("intmeth: every token character, quoted-pairs of control characters", () => {
    const m = parseSipMessage(load("intmeth"));
    if (m.kind !== "request") throw new Error("request expected");
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = m.uri as SipUri;
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.headers.to()?.displayName).toBe("BEL:\x07 NUL:\x00 DEL:\x7f");
    expect(m.headers.from()?.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.headers.from()?.params.get("fromparam''~+*_!.-%")).toBe("работающий");
    expect(m.headers.callId()).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  });

  it("esc01 / escnull / semiuri: escapes decode in the URI", () => {
    const esc = parseSipMessage(load("esc01"));
    if (esc.kind !== "request") throw new Error("request expected");
    expect((esc.uri as SipUri).user).toBe("sips:user@example.com");
    const c = esc.headers.contact();
    expect(c !== "*" && (c[0]!.uri as SipUri).params).toEqual(new Map([["lr", null], ["name", "value%41"]]));
    const nul = parseSipMessage(load("escnull"));
    expect(((nul.headers.to()!.uri) as SipUri).user).toBe("null-\0-null");
    const semi = parseSipMessage(load("semiuri"));
    if (semi.kind !== "request") throw new Error("request expected");
    expect((semi.uri as SipUri).user).toBe("user;par=u@example.net");
    expect(semi.headers.getAll("accept")).toHaveLength(6);
  });

  it("esc02: a %-escaped header name is a different (unknown) header", () => {
    const m = parseSipMessage(load("esc02"));
    expect(m.headers.getAll("contact")).toHaveLength(2);
    expect(m.headers.get("C%6Fntact")).toBe("<sip:alias2@host2.example.com>");
  });

  it("dblreq: only the first message of the datagram, Content-Length 0", () => {
    const m = parseSipMessage(load("dblreq"));
    expect(m.kind === "request" && m.method).toBe("REGISTER");
    expect(m.body.length).toBe(0);
  });

  it("mpart01: binary body bytes are kept exactly", () => {
    const raw = load("mpart01");
    const m = parseSipMessage(raw);
    const at = raw.indexOf("\r\n\r\n") + 4;
    expect(Buffer.from(m.body).equals(raw.subarray(at))).toBe(true);
    expect(m.headers.contentType()?.params.get("boundary")).toBe("7a9cbec02ceef655");
  });

  it("unreason / noreason: UTF-8 and empty reason phrases", () => {
    const u = parseSipMessage(load("unreason"));
    expect(u.kind === "response" && u.reason).toBe("= 2**3 * 5**2 но сто девяносто девять - простое");
    const n = parseSipMessage(load("noreason"));
    expect(n.kind === "response" && [n.status, n.reason]).toEqual([100, ""]);
  });

  it("cparam01 / cparam02: params outside <> belong to the header, inside to the URI", () => {
    const c1 = parseSipMessage(load("cparam01")).headers.contact();
    const c2 = parseSipMessage(load("cparam02")).headers.contact();
    if (c1 === "*" || c2 === "*") throw new Error("contact expected");
    expect(c1[0]!.params.has("unknownparam")).toBe(true);
    expect((c1[0]!.uri as SipUri).params.size).toBe(0);
    expect(c2[0]!.params.size).toBe(0);
    expect((c2[0]!.uri as SipUri).params.has("unknownparam")).toBe(true);
  });

  it("regescrt: headers inside a bracketed Contact URI are fine", () => {
    const c = parseSipMessage(load("regescrt")).headers.contact();
    expect(c !== "*" && (c[0]!.uri as SipUri).headers).toEqual([["Route", "<sip:sip.example.com>"]]);
  });

  it("RFC 5118: IPv6 references, ports and received", () => {
    const good = parseSipMessage(load("ipv6-good"));
    expect(good.kind === "request" && (good.uri as SipUri).host).toBe("[2001:db8::10]");
    const amb = parseSipMessage(load("port-ambiguous"));
    expect(amb.kind === "request" && [(amb.uri as SipUri).host, (amb.uri as SipUri).port]).toEqual(["[2001:db8::10:5070]", undefined]);
    const unamb = parseSipMessage(load("port-unambiguous"));
    expect(unamb.kind === "request" && [(unamb.uri as SipUri).host, (unamb.uri as SipUri).port]).toEqual(["[2001:db8::10]", 5070]);
    expect(parseSipMessage(load("via-received-param-with-delim")).headers.via()[0]!.params.get("received")).toBe("[2001:db8::9:255]");
    expect(parseSipMessage(load("via-received-param-no-delim")).headers.via()[0]!.params.get("received")).toBe("2001:db8::9:255");
    const mapped = parseSipMessage(load("ipv4-mapped-ipv6")).headers.via();
    expect([mapped[0]!.host, mapped[0]!.port]).toEqual(["[::ffff:192.0.2.10]", 19823]);
  });

  it("register-gruu-ok: GRUU, instance and reg-id Contact params are kept", () => {
    const c = parseSipMessage(load("register-gruu-ok")).headers.contact();
    if (c === "*") throw new Error("contact expected");
    expect(c[0]!.params.get("pub-gruu")).toBe("sip:bob@biloxi.example.com;gr=urn:uuid:00000000-0000-1000-8000-000A95A0E128");
    expect(c[0]!.params.get("temp-gruu")).toBe("sip:tgruu.7hs==jd7vnzga5w7fajsc7-ajd6fabz0f8g5@biloxi.example.com;gr");
    expect(c[0]!.params.get("+sip.instance")).toBe("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
    expect(c[0]!.params.get("reg-id")).toBe("1");
    expect(c[0]!.expires).toBe(3600);
  });

  it("scalar02 / scalarlg: overlarge numbers are refused", () => {
    expect(() => parseSipMessage(load("scalar02"))).toThrow(/CSeq number too large/);
    const r = parseSipMessage(load("scalarlg"));
    expect(r.kind === "response" && validateResponse(r).map((p) => p.header)).toEqual(["Retry-After", "Warning"]);
  });

  it("inv2543: a missing Max-Forwards is reported but not fatal", () => {
    const m = parseSipMessage(load("inv2543"));
    expect(m.kind === "request" && validateRequest(m)).toEqual([
      { status: 400, reason: "Missing Max-Forwards", header: "Max-Forwards", fatal: false },
    ]);
  });
});
