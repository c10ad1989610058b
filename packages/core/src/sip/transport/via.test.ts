// RFC 3261 §18.1.1 / §18.2.1 / §18.2.2, RFC 3581 §3-§4, §8.2.6 stateless replies, and ingest's checks.
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../util/log.js";
import { parseSipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import { ingest } from "./ingest.js";
import { rawStatelessReply, statelessReply } from "./reply.js";
import { isOurVia, markReceived, responseTarget, stampVia } from "./via.js";

const req = (via: string, extra = "") =>
  parseSipMessage(
    `OPTIONS sip:bob@example.test SIP/2.0\r\nVia: ${via}\r\nVia: SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKolder\r\nMax-Forwards: 70\r\n` +
      `From: <sip:alice@example.test>;tag=1\r\nTo: <sip:bob@example.test>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: 0\r\n\r\n`,
  ) as SipRequest;

const res = (via: string) =>
  parseSipMessage(`SIP/2.0 200 OK\r\nVia: ${via}\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`) as SipResponse;

describe("Via handling", () => {
  it("stamps our transport, sent-by and a bare rport on a request's top Via, keeping the branch", () => {
    const r = req("SIP/2.0/UDP placeholder;branch=z9hG4bKabc");
    stampVia(r, "TCP", { host: "192.0.2.1", port: 5070 });
    expect(r.headers.getAll("via")).toEqual(["SIP/2.0/TCP 192.0.2.1:5070;branch=z9hG4bKabc;rport", "SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKolder"]);
    stampVia(r, "WS", { host: "abc.invalid" });
    expect(r.headers.get("via")).toBe("SIP/2.0/WS abc.invalid;branch=z9hG4bKabc;rport");
  });

  it("adds received when sent-by differs from the source (§18.2.1)", () => {
    const r = req("SIP/2.0/UDP pc.example.test:5060;branch=z9hG4bK1");
    markReceived(r, { host: "192.0.2.50", port: 5060 });
    expect(r.headers.via()[0]!.params.get("received")).toBe("192.0.2.50");
    expect(r.headers.via()[0]!.params.has("rport")).toBe(false);
  });

  it("leaves Via alone when sent-by is the source address and no rport was asked", () => {
    const r = req("SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1");
    markReceived(r, { host: "192.0.2.50", port: 5060 });
    expect(r.headers.get("via")).toBe("SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1");
  });

  it("fills a bare rport with the source port and always adds received (RFC 3581 §4)", () => {
    const r = req("SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1;rport");
    markReceived(r, { host: "192.0.2.50", port: 40123 });
    const top = r.headers.via()[0]!;
    expect(top.params.get("rport")).toBe("40123");
    expect(top.params.get("received")).toBe("192.0.2.50");
    expect(r.headers.via()).toHaveLength(2);
  });

  it("sends responses to received:rport, else received:port, else sent-by (§18.2.2, RFC 3581 §4)", () => {
    const from = { transport: "UDP", host: "198.51.100.1", port: 1 };
    expect(responseTarget(res("SIP/2.0/UDP h.test:5070;branch=z9hG4bK1;received=192.0.2.5;rport=40000"), from)).toEqual({ transport: "UDP", host: "192.0.2.5", port: 40000 });
    expect(responseTarget(res("SIP/2.0/UDP h.test:5070;branch=z9hG4bK1;received=192.0.2.5"), from)).toEqual({ transport: "UDP", host: "192.0.2.5", port: 5070 });
    expect(responseTarget(res("SIP/2.0/UDP 192.0.2.6;branch=z9hG4bK1"), from)).toEqual({ transport: "UDP", host: "192.0.2.6", port: 5060 });
    expect(responseTarget(res("SIP/2.0/TLS [2001:db8::1];branch=z9hG4bK1"), { ...from, flow: "f1" })).toEqual({ transport: "TLS", host: "2001:db8::1", port: 5061, flow: "f1" });
  });

  it("keeps the connection (flow) for reliable responses and falls back to the source for a name in sent-by", () => {
    const from = { transport: "TCP", host: "192.0.2.7", port: 40001, flow: "tcp-1" };
    expect(responseTarget(res("SIP/2.0/TCP pc.test;branch=z9hG4bK1"), from)).toEqual(from);
    // §18.2.2: over a reliable transport, a new connection goes to received and the sent-by port, not rport.
    expect(responseTarget(res("SIP/2.0/TCP pc.test:5070;branch=z9hG4bK1;rport=40001;received=192.0.2.7"), from)).toEqual({ transport: "TCP", host: "192.0.2.7", port: 5070, flow: "tcp-1" });
  });

  it("recognises responses meant for us by sent-by (§18.1.2)", () => {
    expect(isOurVia(res("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1"), ["192.0.2.1"])).toBe(true);
    expect(isOurVia(res("SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK1"), ["192.0.2.1", "x.invalid"])).toBe(false);
  });
});

describe("stateless replies (§8.2.6)", () => {
  it("copies Via, From, To (adding a tag), Call-ID and CSeq", () => {
    const r = req("SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK1");
    const text = statelessReply(r, 400, "Missing Max-Forwards");
    const parsed = parseSipMessage(text) as SipResponse;
    expect(parsed.status).toBe(400);
    expect(parsed.reason).toBe("Missing Max-Forwards");
    expect(parsed.headers.via()).toHaveLength(2);
    expect(parsed.headers.to()?.tag).toMatch(/^[0-9a-f]{12}$/);
    expect(parsed.headers.cseq()).toEqual({ seq: 1, method: "OPTIONS" });
  });

  it("builds one from raw text that did not parse, but never for a response, an ACK or without the headers", () => {
    const raw = (s: string) => Buffer.from(s);
    const base = "Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n";
    expect(rawStatelessReply(raw(`INVITE sip:b@x SIP/7.0\r\n${base}\r\n`), 505, "Version Not Supported")).toMatch(/^SIP\/2\.0 505 Version Not Supported\r\n/);
    expect(rawStatelessReply(raw(`SIP/2.0 200 OK\r\n${base}\r\n`), 400, "x")).toBeUndefined();
    expect(rawStatelessReply(raw(`ACK sip:b@x SIP/2.0\r\n${base}\r\n`), 400, "x")).toBeUndefined();
    expect(rawStatelessReply(raw("INVITE sip:b@x SIP/2.0\r\nFrom: <sip:a@x>\r\n\r\n"), 400, "x")).toBeUndefined();
    expect(rawStatelessReply(raw("\u0000\u0001garbage"), 400, "x")).toBeUndefined();
  });
});

describe("ingest", () => {
  const source = { transport: "UDP", host: "192.0.2.5", port: 5062 };
  const run = (data: string | Buffer) => {
    const replies: string[] = [];
    const out = ingest(Buffer.from(data), source, (t) => replies.push(t), { ours: ["192.0.2.1"], log: silentLogger });
    return { out, replies };
  };

  it("passes a good request up with received/rport filled", () => {
    const { out, replies } = run(
      "OPTIONS sip:a@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK9;rport\r\nMax-Forwards: 70\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    );
    expect(replies).toEqual([]);
    expect(out.kind).toBe("message");
    if (out.kind === "message") expect(out.message.headers.get("via")).toContain("rport=5062;received=192.0.2.5");
  });

  it("answers a request that fails validation with 400 and its reason", () => {
    const { out, replies } = run("OPTIONS sip:a@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK9\r\nMax-Forwards: 70\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
    expect(out).toMatchObject({ kind: "refused", status: 400 });
    expect(replies[0]).toMatch(/^SIP\/2\.0 400 CSeq method does not match/);
  });

  it("answers 505 to a bad version and 513 to an oversized datagram with readable headers", () => {
    const head = "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK9\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\n";
    expect(run(`MESSAGE sip:a@x SIP/3.0\r\n${head}\r\n`).replies[0]).toMatch(/^SIP\/2\.0 505 /);
    const big = run(`MESSAGE sip:a@x SIP/2.0\r\n${head}Content-Length: 70000\r\n\r\n${"x".repeat(70_000)}`);
    expect(big.out).toMatchObject({ kind: "garbage", status: 513 });
    expect(big.replies[0]).toMatch(/^SIP\/2\.0 513 Message Too Large/);
  });

  it("drops garbage and truncated data without a reply, and never throws", () => {
    expect(run("\u0000\u00ff\u0010 hello").replies).toEqual([]);
    expect(run("INVITE sip:a@x SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;bra").out.kind).toBe("garbage");
    expect(run(Buffer.alloc(0)).out.kind).toBe("garbage");
  });

  it("drops a response whose top Via is not ours", () => {
    expect(run("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.77;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").out.kind).toBe("refused");
    expect(run("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").out.kind).toBe("message");
  });
});
