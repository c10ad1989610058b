import { describe, expect, it } from "vitest";
import { parseSipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import { parseDigestCredentials } from "./digest.js";
import { DigestSession, type DigestCredentials } from "./session.js";

const REGISTER = { method: "REGISTER", uri: "sip:example.com" };

const register = (cseq: number) =>
  parseSipMessage(
    "REGISTER sip:example.com SIP/2.0\r\n" +
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-" + cseq + "\r\n" +
      "Max-Forwards: 70\r\n" +
      "From: <sip:alice@example.com>;tag=a1\r\n" +
      "To: <sip:alice@example.com>\r\n" +
      "Call-ID: reg-1\r\n" +
      `CSeq: ${cseq} REGISTER\r\n` +
      "Contact: <sip:alice@192.0.2.10>\r\n" +
      "Authorization: Digest stale-old\r\n" +
      "Content-Length: 0\r\n\r\n",
  ) as SipRequest;

const response = (status: number, reason: string, extra: string[] = []) =>
  parseSipMessage(
    `SIP/2.0 ${status} ${reason}\r\n` +
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1\r\n" +
      "From: <sip:alice@example.com>;tag=a1\r\n" +
      "To: <sip:alice@example.com>;tag=r1\r\n" +
      "Call-ID: reg-1\r\n" +
      "CSeq: 1 REGISTER\r\n" +
      extra.map((h) => h + "\r\n").join("") +
      "Content-Length: 0\r\n\r\n",
  ) as SipResponse;

function session(creds: Record<string, DigestCredentials> = { "example.com": { username: "alice", password: "pw" } }) {
  const asked: string[] = [];
  let counter = 0;
  const s = new DigestSession({
    credentials: (realm) => {
      asked.push(realm);
      return creds[realm];
    },
    // Injected randomness: a counter, so cnonces are predictable.
    random: (n) => new Uint8Array(n).fill(++counter),
  });
  return { s, asked };
}

const challenge = (realm: string, nonce: string, extra = "") => `Digest realm="${realm}", nonce="${nonce}", qop="auth"${extra}`;
const read = (headers: { name: string; value: string }[]) => headers.map((h) => ({ name: h.name, ...parseDigestCredentials(h.value) }));

describe("DigestSession", () => {
  it("reads a 401 with two WWW-Authenticate lines, answers the SHA-256 one on the retried request", () => {
    const { s } = session();
    const challenge401 = response(401, "Unauthorized", [
      'WWW-Authenticate: Digest realm="example.com", nonce="md5-nonce", algorithm=MD5, qop="auth"',
      'WWW-Authenticate: Digest realm="example.com", nonce="sha-nonce", algorithm=SHA-256, qop="auth", opaque="o1"',
    ]);
    expect(s.onResponse(challenge401)).toEqual({ ok: true, retry: true });
    const retry = register(2);
    s.authorize(retry);
    const lines = retry.headers.getAll("Authorization");
    expect(lines).toHaveLength(1);
    expect(parseDigestCredentials(lines[0]!)).toMatchObject({
      username: "alice",
      realm: "example.com",
      nonce: "sha-nonce",
      uri: "sip:example.com",
      algorithm: "SHA-256",
      qop: "auth",
      nc: 1,
      opaque: "o1",
    });
    expect(s.onResponse(response(200, "OK"))).toEqual({ ok: true, retry: false });
  });

  it("reads a 407 from Proxy-Authenticate and answers with Proxy-Authorization", () => {
    const { s } = session();
    const outcome = s.onResponse(
      response(407, "Proxy Authentication Required", ['Proxy-Authenticate: Digest realm="example.com", nonce="p", qop="auth"']),
    );
    expect(outcome).toEqual({ ok: true, retry: true });
    const retry = register(2);
    s.authorize(retry);
    expect(retry.headers.has("Authorization")).toBe(false);
    expect(parseDigestCredentials(retry.headers.get("Proxy-Authorization")!).nonce).toBe("p");
  });

  it("a 1xx settles nothing", () => {
    const { s } = session();
    s.onResponse(response(401, "Unauthorized", ['WWW-Authenticate: Digest realm="example.com", nonce="n1"']));
    expect(s.onResponse(response(100, "Trying"))).toEqual({ ok: true, retry: false });
    expect(s.onResponse(response(401, "Unauthorized", ['WWW-Authenticate: Digest realm="example.com", nonce="n2"']))).toEqual({
      ok: false,
      reason: "auth-failed",
      realm: "example.com",
    });
  });

  it("answers RFC 2617 §3.5 through the session with an injected cnonce", () => {
    const s = new DigestSession({
      credentials: () => ({ username: "Mufasa", password: "Circle Of Life" }),
      random: () => Uint8Array.from([0x0a, 0x4f, 0x11, 0x3b]),
    });
    const outcome = s.onChallenge(401, [
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ]);
    expect(outcome).toEqual({ ok: true, retry: true });
    const [h] = s.credentialsFor({ method: "GET", uri: "/dir/index.html" });
    expect(h!.name).toBe("Authorization");
    expect(parseDigestCredentials(h!.value)).toMatchObject({ response: "6629fae49393a05397450978507c4ef1", cnonce: "0a4f113b", nc: 1 });
  });

  it("sends nothing before a challenge", () => {
    expect(session().s.credentialsFor(REGISTER)).toEqual([]);
  });

  it("increments nc per use of a nonce, restarts it for a new nonce, and draws a fresh cnonce each time", () => {
    const { s } = session();
    s.onChallenge(401, [challenge("example.com", "n1")]);
    const first = read(s.credentialsFor(REGISTER))[0]!;
    s.onResponse(response(200, "OK"));
    const second = read(s.credentialsFor(REGISTER))[0]!;
    const third = read(s.credentialsFor(REGISTER))[0]!;
    expect([first.nc, second.nc, third.nc]).toEqual([1, 2, 3]);
    expect(new Set([first.cnonce, second.cnonce, third.cnonce]).size).toBe(3);
    expect(third.nonce).toBe("n1");
    // A later challenge with a new nonce (not after an unanswered one) starts at 1 again.
    expect(s.onChallenge(401, [challenge("example.com", "n2")])).toEqual({ ok: true, retry: true });
    expect(read(s.credentialsFor(REGISTER))[0]).toMatchObject({ nonce: "n2", nc: 1 });
  });

  it("a second 401 for the same realm without stale is auth-failed", () => {
    const { s, asked } = session();
    expect(s.onChallenge(401, [challenge("example.com", "n1")]).ok).toBe(true);
    s.credentialsFor(REGISTER);
    expect(s.onChallenge(401, [challenge("example.com", "n2")])).toEqual({ ok: false, reason: "auth-failed", realm: "example.com" });
    // The realm is forgotten: the next attempt starts over and asks for credentials again.
    expect(s.credentialsFor(REGISTER)).toEqual([]);
    expect(s.onChallenge(401, [challenge("example.com", "n3")]).ok).toBe(true);
    expect(asked).toEqual(["example.com", "example.com"]);
  });

  it("stale=true retries with the new nonce without asking again", () => {
    const { s, asked } = session();
    s.onChallenge(401, [challenge("example.com", "n1")]);
    s.credentialsFor(REGISTER);
    expect(s.onChallenge(401, [challenge("example.com", "n2", ", stale=true")])).toEqual({ ok: true, retry: true });
    expect(read(s.credentialsFor(REGISTER))[0]).toMatchObject({ nonce: "n2", nc: 1 });
    expect(asked).toEqual(["example.com"]);
    // stale with the nonce we just used is not a way round auth-failed.
    expect(s.onChallenge(401, [challenge("example.com", "n2", ", stale=true")]).ok).toBe(false);
  });

  it("a challenge after an accepted request is answered again (cached nonce expired)", () => {
    const { s } = session();
    s.onChallenge(401, [challenge("example.com", "n1")]);
    s.credentialsFor(REGISTER);
    s.onResponse(response(200, "OK"));
    s.credentialsFor(REGISTER);
    expect(s.onChallenge(401, [challenge("example.com", "n2")])).toEqual({ ok: true, retry: true });
  });

  it("keeps credentials per realm and answers 401 and 407 challenges together", () => {
    const { s } = session({
      "proxy.example.com": { username: "p-user", password: "p-pw" },
      "example.com": { username: "alice", password: "pw" },
    });
    expect(s.onChallenge(407, [challenge("proxy.example.com", "p1")]).ok).toBe(true);
    s.credentialsFor({ method: "INVITE", uri: "sip:bob@example.com" });
    expect(s.onChallenge(401, [challenge("example.com", "w1")]).ok).toBe(true);
    const headers = read(s.credentialsFor({ method: "INVITE", uri: "sip:bob@example.com" }));
    expect(headers).toMatchObject([
      { name: "Proxy-Authorization", realm: "proxy.example.com", username: "p-user", nonce: "p1", nc: 2 },
      { name: "Authorization", realm: "example.com", username: "alice", nonce: "w1", nc: 1 },
    ]);
  });

  it("answers several challenges of one 407 (forked proxies), the strongest algorithm per realm", () => {
    const { s } = session({ a: { username: "ua", password: "1" }, b: { username: "ub", password: "2" } });
    const outcome = s.onChallenge(407, [
      challenge("a", "a-md5", ", algorithm=MD5"),
      challenge("a", "a-sha", ", algorithm=SHA-256"),
      challenge("b", "b1"),
    ]);
    expect(outcome.ok).toBe(true);
    expect(read(s.credentialsFor(REGISTER))).toMatchObject([
      { name: "Proxy-Authorization", realm: "a", username: "ua", algorithm: "SHA-256", nonce: "a-sha" },
      { name: "Proxy-Authorization", realm: "b", username: "ub", nonce: "b1" },
    ]);
  });

  it("reports a realm it has no credentials for, and changes nothing", () => {
    const { s } = session();
    expect(s.onChallenge(401, [challenge("example.com", "n1"), challenge("elsewhere", "x")])).toEqual({
      ok: false,
      reason: "no-credentials",
      realm: "elsewhere",
    });
    expect(s.credentialsFor(REGISTER)).toEqual([]);
  });

  it("reports challenges it cannot answer", () => {
    const { s } = session();
    expect(s.onChallenge(401, ['Basic realm="x"', 'Digest realm="example.com", nonce="n", algorithm=AKAv1-MD5'])).toEqual({
      ok: false,
      reason: "unsupported-challenge",
    });
  });
});
