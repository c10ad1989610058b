// World: RFC 3261 §18 transport against Kamailio and raw sockets: bad datagrams and stream data at our
// listening ports (400 / 505 / 513 or dropped, §18.3), RFC 5626 §4.4.1 keep-alive pongs, TLS
// certificate checks (RFC 5922 §7.2); the UA keeps registering and answering afterwards.
import { describe, expect, it } from "vitest";
import { startKamailio, until, useCleanup, waitForPong } from "./transport-world.js";
import { rawOptions, startStack, tcpExchange, udpExchange } from "./stack-kit.js";
import { startWssRelay } from "./wss-relay.js";

const track = useCleanup();

const head = (callId: string, method = "OPTIONS") =>
  `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${callId};rport\r\nFrom: <sip:probe@example.test>;tag=p1\r\nTo: <sip:alice@example.test>\r\n` +
  `Call-ID: ${callId}\r\nCSeq: 1 ${method}\r\n`;
const status = (r: string) => r.split("\r\n")[0];
const callIdOf = (r: string) => /\r\nCall-ID: (\S+)/i.exec(r)?.[1];

describe("our listening ports under bad input", () => {
  it("UDP: garbage and truncated datagrams are dropped or answered 400/505, then OPTIONS and REGISTER still work", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "tp-udp" }));
    const ua = track(await startStack(k, "UDP"));
    const port = ua.transport.ports.udp!;
    const datagrams = [
      Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]), // garbage: dropped
      "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;bra", // truncated mid-header: dropped
      `MESSAGE sip:alice@127.0.0.1 SIP/2.0\r\n${head("trunc", "MESSAGE")}Max-Forwards: 70\r\nContent-Length: 500\r\n\r\nshort`, // truncated body
      `OPTIONS sip:alice@127.0.0.1 SIP/3.0\r\n${head("badver")}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`, // 505
      `OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n${head("mismatch", "INVITE")}Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n`, // 400
      // An IPv4 datagram cannot exceed our 64 KiB cap; one near it is still read and answered.
      `OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n${head("nearmax")}Max-Forwards: 70\r\nContent-Type: text/plain\r\nContent-Length: 64000\r\n\r\n${"x".repeat(64_000)}`,
      rawOptions("good"),
    ];
    const replies = await udpExchange(port, datagrams, (rs) => rs.some((r) => callIdOf(r) === "good"));
    const byCall = Object.fromEntries(replies.map((r) => [callIdOf(r), status(r)]));
    expect(byCall.badver).toMatch(/^SIP\/2\.0 505 /);
    expect(byCall.mismatch).toMatch(/^SIP\/2\.0 400 CSeq method/);
    expect(byCall.good).toBe("SIP/2.0 200 OK");
    expect(byCall.nearmax).toBe("SIP/2.0 200 OK");
    expect(byCall.trunc === undefined || /^SIP\/2\.0 400 /.test(byCall.trunc)).toBe(true);
    expect(replies.every((r) => r.startsWith("SIP/2.0 "))).toBe(true);
    expect(await ua.registration.start()).toMatchObject({ ok: true });
  });

  it("TCP: an oversized header block gets 513 and the connection is closed; garbage closes it too; we keep serving", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "tp-tcp" }));
    const ua = track(await startStack(k, "TCP"));
    const port = ua.transport.ports.tcp!;
    const big = `OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n${head("big")}Max-Forwards: 70\r\nX-Pad: ${"a".repeat(70_000)}`;
    const r1 = await tcpExchange(port, big);
    expect(status(r1.text)).toMatch(/^SIP\/2\.0 513 /);
    expect(r1.closed).toBe(true);
    const r2 = await tcpExchange(port, "\u0000\u0001\u0002 definitely not SIP\r\n\r\n");
    expect(r2).toEqual({ text: "", closed: true });
    const r3 = await tcpExchange(port, `OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n${head("bodybig")}Content-Length: 900000\r\n\r\n`);
    expect(status(r3.text)).toMatch(/^SIP\/2\.0 513 /);
    expect(r3.closed).toBe(true);
    // A good request on a new connection is still answered, on that connection.
    const ok = await tcpExchange(port, rawOptions("tcp-good", "TCP"), (t) => t.includes("\r\n\r\n"));
    expect(status(ok.text)).toBe("SIP/2.0 200 OK");
    expect(ok.closed).toBe(false);
    expect(await ua.registration.start()).toMatchObject({ ok: true });
  });
});

describe("flows", () => {
  it("CRLF keep-alives on TCP, TLS and WS are answered by Kamailio (RFC 5626 §4.4.1)", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "tp-ka" }));
    for (const t of ["TCP", "TLS", "WS"] as const) {
      const ua = track(await startStack(k, t));
      expect(await ua.registration.start()).toMatchObject({ ok: true });
      const flow = ua.transport.flowFor(ua.target);
      expect(flow).toBeDefined();
      const pong = waitForPong(ua.transport, flow!);
      expect(ua.transport.ping(flow!)).toBe(true);
      await pong;
      await ua.stop();
    }
  });

  it("a dropped flow is reported as a flow failure and the registration re-registers on a new flow", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "tp-flow" }));
    const ua = track(await startStack(k, "TCP"));
    expect(await ua.registration.start()).toMatchObject({ ok: true });
    const flow = ua.transport.flowFor(ua.target)!;
    const failures: string[] = [];
    ua.transport.events.on("flow-failure", (f) => failures.push(f.flow));
    const states: string[] = [];
    ua.registration.events.on("state", ({ to }) => states.push(to));
    ua.transport.closeFlow(flow, "test: flow dropped");
    await until("re-registration on a new flow", () => ua.registration.state === "registered" && states.includes("registering"));
    expect(failures).toContain(flow);
    expect(ua.transport.flowFor(ua.target)).not.toBe(flow);
  });
});

describe("TLS certificates (RFC 5922 §7.2)", () => {
  it("refuses Kamailio's certificate without its CA, or under another name", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "tp-tls" }));
    const noCa = track(await startStack(k, "TLS", { tlsCa: [] }));
    expect(await noCa.registration.start()).toMatchObject({ ok: false, reason: "transport-error" });
    await noCa.registration.stop();
    const wrongName = track(await startStack(k, "TLS", { servername: "other.test" }));
    expect(await wrongName.registration.start()).toMatchObject({ ok: false, reason: "transport-error" });
    await wrongName.registration.stop();
    const good = track(await startStack(k, "TLS"));
    expect(await good.registration.start()).toMatchObject({ ok: true });
  });
});

describe("WSS (RFC 7118 over TLS)", () => {
  it("registers over wss:// with the certificate verified, and refuses a server without the sip subprotocol", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "tp-wss" }));
    const relay = track(await startWssRelay(k));
    const ua = track(await startStack(k, "WSS", { port: relay.port }));
    expect(await ua.registration.start()).toMatchObject({ ok: true });
    expect(ua.registration.gruu).toContain(ua.instanceId);
    const rcv = (await k.wireRecords()).filter((r) => r.tag === "rcv" && r.text.startsWith("REGISTER "));
    expect(rcv.at(-1)!.text).toMatch(/^Via: SIP\/2\.0\/WSS [a-z0-9]+\.invalid;/m);
    await ua.stop();
    const noCa = track(await startStack(k, "WSS", { port: relay.port, tlsCa: [] }));
    expect(await noCa.registration.start()).toMatchObject({ ok: false, reason: "transport-error" });
    await noCa.registration.stop();
    const mute = track(await startWssRelay(k, { speakSip: false }));
    const refused = track(await startStack(k, "WSS", { port: mute.port }));
    expect(await refused.registration.start()).toMatchObject({ ok: false, reason: "transport-error" });
    await refused.registration.stop();
  });
});
