// RFC 5118 (SIP torture tests for IPv6) as they touch the transport layer: bracketed references in
// URIs and Via sent-by, received/rport for IPv6 sources (§4.5: both the bare and the bracketed
// `received` are read), addresses compared however they are written, and a real exchange on ::1.
import { describe, expect, it } from "vitest";
import { parseSipMessage, parseSipUri, type SipMessage, type SipRequest, type SipResponse } from "../message/index.js";
import { TransportLayer } from "./transport-layer.js";
import { isOurVia, markReceived, responseTarget, sameHost, stampVia } from "./via.js";

const req = (via: string, uri = "sip:[2001:db8::10]") =>
  parseSipMessage(
    `REGISTER ${uri} SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nFrom: <sip:user@[2001:db8::10]>;tag=1\r\n` +
      `To: <sip:user@[2001:db8::10]>\r\nCall-ID: c6\r\nCSeq: 1 REGISTER\r\nContact: "Caller" <sip:caller@[2001:db8::1]>\r\nContent-Length: 0\r\n\r\n`,
  ) as SipRequest;
const res = (via: string) =>
  parseSipMessage(`SIP/2.0 200 OK\r\nVia: ${via}\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c6\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`) as SipResponse;

describe("RFC 5118 torture cases", () => {
  it("§4.1: a REGISTER with IPv6 references in the Request-URI, To, From and Contact parses", () => {
    const r = req("SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111;rport");
    expect(r.uri).toMatchObject({ host: "[2001:db8::10]" });
    expect(r.headers.via()[0]).toMatchObject({ host: "[2001:db8::9:1]" });
    expect(r.headers.via()[0]?.port).toBeUndefined();
  });

  it("§4.2: an IPv6 address without brackets in a Request-URI is refused", () => {
    expect(() => parseSipUri("sip:2001:db8::10")).toThrow();
    expect(() => parseSipUri("sip:[2001:db8::10")).toThrow(/unterminated IPv6 reference/);
  });

  it("§4.3: the port is outside the brackets; inside, it is part of the address", () => {
    expect(parseSipUri("sip:[2001:db8::10]:5070")).toMatchObject({ host: "[2001:db8::10]", port: 5070 });
    const inside = parseSipUri("sip:[2001:db8::10:5070]");
    expect(inside).toMatchObject({ host: "[2001:db8::10:5070]" });
    expect(inside.port).toBeUndefined();
  });

  it("§4.4: an IPv4-mapped IPv6 reference is an IPv6 host", () => {
    expect(parseSipUri("sip:user@[::ffff:192.0.2.10]")).toMatchObject({ host: "[::ffff:192.0.2.10]" });
    expect(sameHost("[::ffff:192.0.2.10]", "::ffff:c000:20a")).toBe(true);
  });

  it("§4.5: received for an IPv6 source is written bare; a bracketed one from others is read too", () => {
    const r = req("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;rport");
    markReceived(r, { host: "2001:db8::9:255", port: 6050 });
    expect(r.headers.get("via")).toBe("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;rport=6050;received=2001:db8::9:255");
    const fallback = { transport: "UDP", host: "2001:db8::1", port: 5060 };
    expect(responseTarget(res("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bK1;received=2001:db8::9:255;rport=6050"), fallback)).toEqual({ transport: "UDP", host: "2001:db8::9:255", port: 6050 });
    expect(responseTarget(res("SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bK1;received=[2001:db8::9:255]"), fallback)).toEqual({ transport: "UDP", host: "2001:db8::9:255", port: 5060 });
    expect(responseTarget(res("SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bK1"), fallback)).toEqual({ transport: "UDP", host: "2001:db8::9:1", port: 5070 });
  });

  it("no received when the source is the sent-by address written another way", () => {
    const r = req("SIP/2.0/UDP [2001:DB8:0:0:0:0:9:1]:5060;branch=z9hG4bK1");
    markReceived(r, { host: "2001:db8::9:1", port: 5060 });
    expect(r.headers.via()[0]?.params.has("received")).toBe(false);
  });

  it("a response's top Via is ours however its IPv6 sent-by is written (§18.1.2)", () => {
    expect(isOurVia(res("SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1"), ["::1"])).toBe(true);
    expect(isOurVia(res("SIP/2.0/UDP [0:0:0:0:0:0:0:1]:5060;branch=z9hG4bK1"), ["::1"])).toBe(true);
    expect(isOurVia(res("SIP/2.0/UDP [::2]:5060;branch=z9hG4bK1"), ["::1"])).toBe(false);
  });

  it("our own Via sent-by for an IPv6 host is a reference in the transport's stamp", () => {
    const r = req("SIP/2.0/UDP placeholder;branch=z9hG4bKabc");
    stampVia(r, "TCP", { host: "[2001:db8::1]", port: 5070 });
    expect(r.headers.get("via")).toBe("SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKabc;rport");
  });
});

describe("the transport layer on ::1", () => {
  const options = (uri: string, via: string) =>
    parseSipMessage(
      `OPTIONS ${uri} SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <${uri}>\r\n` +
        `Call-ID: v6-${Math.random()}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    ) as SipRequest;

  for (const transport of ["UDP", "TCP"] as const) {
    it(`${transport}: a request to a bracketed target arrives with our [::1] sent-by and rport filled; the answer comes back`, async () => {
      const got: { message: SipMessage; source: { host: string; port: number } }[] = [];
      const answers: SipMessage[] = [];
      const b = new TransportLayer({ user: { onMessage: (message, source) => got.push({ message, source }) }, listen: { host: "::1" } });
      const a = new TransportLayer({ user: { onMessage: (message) => answers.push(message) }, listen: { host: "::1" } });
      await b.start();
      await a.start();
      try {
        expect(a.contactUri(transport, "alice")).toMatchObject({ host: "[::1]" });
        const port = transport === "UDP" ? b.ports.udp! : b.ports.tcp!;
        await a.send(options(`sip:bob@[::1]:${port}`, "SIP/2.0/UDP placeholder;branch=z9hG4bK6"), { transport, host: "[::1]", port });
        await expect.poll(() => got.length).toBe(1);
        const first = got[0]!;
        const via = (first.message as SipRequest).headers.via()[0]!;
        expect(via.host).toBe("[::1]");
        expect(via.params.get("rport")).toBe(String(first.source.port));
        expect(first.source.host).toBe("::1");
        const ok = parseSipMessage(
          `SIP/2.0 200 OK\r\nVia: ${(first.message as SipRequest).headers.get("via")}\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <sip:bob@[::1]>;tag=2\r\n` +
            `Call-ID: ${(first.message as SipRequest).headers.get("call-id")}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
        );
        await b.send(ok, { transport, host: first.source.host, port: first.source.port, ...(transport === "TCP" && { flow: b.flowFor({ transport, host: first.source.host, port: first.source.port }) ?? "" }) });
        await expect.poll(() => answers.length).toBe(1);
      } finally {
        await a.stop();
        await b.stop();
      }
    });
  }
});
