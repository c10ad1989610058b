import { describe, expect, it } from "vitest";
import { ParseError } from "../../util/errors.js";
import { chooseQop, parseDigestChallenge, strongestPerRealm } from "./challenge.js";
import { answerDigestChallenge, computeDigestResponse, parseDigestCredentials, serializeDigestCredentials } from "./digest.js";

// Header values arrive unfolded (RFC 3261 §7.3.1): the RFC's line breaks become single spaces.
const unfold = (s: string) => s.replace(/\s+/g, " ");

// RFC 2617 §3.5.
const RFC2617_CHALLENGE = unfold(`Digest
                 realm="testrealm@host.com",
                 qop="auth,auth-int",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41"`);

// RFC 7616 §3.9.1 (the password is "Circle of Life" there, "Circle Of Life" in RFC 2617).
const rfc7616Challenge = (algorithm: string) =>
  unfold(`Digest
       realm="http-auth@example.org",
       qop="auth, auth-int",
       algorithm=${algorithm},
       nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
       opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`);
const RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

describe("RFC 2617 §3.5 example", () => {
  it("parses the challenge", () => {
    const c = parseDigestChallenge(RFC2617_CHALLENGE);
    expect(c).toEqual({
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      algorithm: "MD5",
      algorithmGiven: false,
      qop: ["auth", "auth-int"],
      stale: false,
      domain: [],
    });
  });

  it("computes response 6629fae49393a05397450978507c4ef1 and the Authorization value", () => {
    const value = answerDigestChallenge(parseDigestChallenge(RFC2617_CHALLENGE), {
      username: "Mufasa",
      password: "Circle Of Life",
      method: "GET",
      uri: "/dir/index.html",
      cnonce: "0a4f113b",
      nc: 1,
    });
    expect(value.response).toBe("6629fae49393a05397450978507c4ef1");
    expect(serializeDigestCredentials(value)).toBe(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
        'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
  });
});

describe("RFC 7616 §3.9.1 examples", () => {
  const answer = (algorithm: string) =>
    answerDigestChallenge(parseDigestChallenge(rfc7616Challenge(algorithm)), {
      username: "Mufasa",
      password: "Circle of Life",
      method: "GET",
      uri: "/dir/index.html",
      cnonce: RFC7616_CNONCE,
      nc: 1,
    });

  it("MD5: 8ca523f5e9506fed4657c9700eebdbec", () => {
    const v = answer("MD5");
    expect(v.response).toBe("8ca523f5e9506fed4657c9700eebdbec");
    expect(serializeDigestCredentials(v)).toContain("algorithm=MD5");
  });

  it("SHA-256: 753927fa...56cb6c1", () => {
    const v = answer("SHA-256");
    expect(v.response).toBe("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    const round = parseDigestCredentials(serializeDigestCredentials(v));
    expect(round).toEqual(v);
  });
});

describe("digest computation", () => {
  const base = {
    username: "alice",
    password: "secret",
    realm: "example.com",
    nonce: "abc",
    method: "REGISTER",
    uri: "sip:example.com",
  };

  it("RFC 2069 mode without qop: KD(HA1, nonce:HA2)", () => {
    // Computed with md5sum: MD5(MD5("alice:example.com:secret") ":abc:" MD5("REGISTER:sip:example.com")).
    const r = computeDigestResponse({ ...base, algorithm: "MD5" });
    expect(r).toBe("dbe98f00688a08a2dbda0b12e8c71319");
    const c = parseDigestChallenge('Digest realm="example.com", nonce="abc"');
    expect(chooseQop(c)).toBeUndefined();
    const v = answerDigestChallenge(c, { ...base, cnonce: "x", nc: 1 });
    expect(v.response).toBe(r);
    expect(serializeDigestCredentials(v)).not.toMatch(/qop|nc=|cnonce/);
  });

  it("-sess rehashes HA1 with nonce and cnonce", () => {
    const plain = computeDigestResponse({ ...base, algorithm: "SHA-256", qop: "auth", cnonce: "c", nc: 1 });
    const sess = computeDigestResponse({ ...base, algorithm: "SHA-256-sess", qop: "auth", cnonce: "c", nc: 1 });
    expect(sess).toMatch(/^[0-9a-f]{64}$/);
    expect(sess).not.toBe(plain);
  });

  it("auth-int hashes the body, and nc changes the response", () => {
    const input = { ...base, algorithm: "MD5" as const, qop: "auth-int" as const, cnonce: "c", nc: 1 };
    const empty = computeDigestResponse(input);
    expect(computeDigestResponse({ ...input, body: "" })).toBe(empty);
    expect(computeDigestResponse({ ...input, body: "v=0\r\n" })).not.toBe(empty);
    expect(computeDigestResponse({ ...input, nc: 2 })).not.toBe(empty);
  });

  it("answers auth-int only when auth is not offered", () => {
    expect(chooseQop(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"'))).toBe("auth-int");
    expect(chooseQop(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int,auth"'))).toBe("auth");
    expect(chooseQop(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-conf"'))).toBeNull();
  });

  it("formats nc as 8 hex digits", () => {
    const v = answerDigestChallenge(parseDigestChallenge('Digest realm="r", nonce="n", qop="auth"'), {
      ...base,
      cnonce: "c",
      nc: 255,
    });
    expect(serializeDigestCredentials(v)).toContain("nc=000000ff");
  });

  it("escapes quotes in quoted values", () => {
    const v = answerDigestChallenge(parseDigestChallenge('Digest realm="r", nonce="n"'), {
      ...base,
      username: 'a"b\\c',
      cnonce: "c",
      nc: 1,
    });
    const text = serializeDigestCredentials(v);
    expect(text).toContain('username="a\\"b\\\\c"');
    expect(parseDigestCredentials(text).username).toBe('a"b\\c');
  });
});

describe("challenge parsing", () => {
  it("reads stale, domain, case-insensitive names and algorithm", () => {
    const c = parseDigestChallenge(
      'digest REALM="atlanta.com", Nonce="n1", Algorithm=sha-256-SESS, stale=TRUE, domain="sip:a.com sip:b.com", qop="auth"',
    );
    expect(c.algorithm).toBe("SHA-256-sess");
    expect(c.stale).toBe(true);
    expect(c.domain).toEqual(["sip:a.com", "sip:b.com"]);
  });

  it("keeps commas inside quoted values", () => {
    expect(parseDigestChallenge('Digest realm="a,b", nonce="x"').realm).toBe("a,b");
  });

  it.each([
    ['Basic realm="x"', /not a Digest/],
    ['Digest nonce="n"', /without realm/],
    ['Digest realm="r"', /without nonce/],
    ['Digest realm="r", nonce="n", algorithm=SHA-1', /unsupported digest algorithm/],
    ['Digest realm="r, nonce="n', /expected ,|unterminated/],
    ['Digest realm="r" nonce="n"', /expected ,/],
  ])("rejects %s with a ParseError", (value, message) => {
    expect(() => parseDigestChallenge(value)).toThrow(message);
    expect(() => parseDigestChallenge(value)).toThrow(ParseError);
  });

  it("RFC 8760 §2.4: picks the strongest algorithm per realm, keeps every realm", () => {
    const chosen = strongestPerRealm(
      [
        'Digest realm="a", nonce="1", algorithm=MD5, qop="auth"',
        'Digest realm="a", nonce="2", algorithm=SHA-256, qop="auth"',
        'Digest realm="b", nonce="3", qop="auth"',
        'Digest realm="a", nonce="4", algorithm=SHA-512-256, qop="auth-conf"',
      ].map(parseDigestChallenge),
    );
    expect(chosen.map((c) => [c.realm, c.algorithm, c.nonce])).toEqual([
      ["a", "SHA-256", "2"],
      ["b", "MD5", "3"],
    ]);
  });
});
