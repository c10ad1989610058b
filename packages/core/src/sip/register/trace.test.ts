// The SIP protocol trace (transport/trace.ts) through a real TransportLayer on loopback UDP: a digest REGISTER
// (RFC 3261 §22.4, RFC 7616) and its challenge are traced with direction and peer, secrets never.
import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, type LogRecord } from "../../util/log.js";
import { DigestSession } from "../auth/index.js";
import { parseSipMessage, parseSipUri, type SipResponse } from "../message/index.js";
import { buildRegister } from "./build.js";
import { TransportLayer } from "../transport/transport-layer.js";
import { withoutUserContent } from "../transport/trace.js";

const NONCE = "5f1c0a7bNONCEdeadbeef";
const PASSWORD = "pa55-w0rd-xyz";
const open: { stop(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.stop();
});

async function rig(level: "debug" | "info" = "debug") {
  const records: LogRecord[] = [];
  const received: string[] = [];
  const tl = new TransportLayer({
    user: { onMessage: () => undefined },
    listen: { host: "127.0.0.1", tcp: false },
    log: createLogger({ scope: "sip", level, sink: (r) => records.push(r) }),
  });
  await tl.start();
  open.push(tl);
  const peer: Socket = createSocket("udp4");
  peer.on("message", (m) => received.push(m.toString("utf8")));
  await new Promise<void>((r) => peer.bind(0, "127.0.0.1", () => r()));
  open.push({ stop: () => peer.close() });
  const target = { transport: "UDP", host: "127.0.0.1", port: peer.address().port };
  return { tl, records, received, peer, target };
}

function register() {
  return buildRegister({
    registrar: parseSipUri("sip:example.test"), aor: parseSipUri("sip:alice@example.test"), callId: "c1", fromTag: "f1", cseq: 2,
    contact: parseSipUri("sip:alice@127.0.0.1:5070"), instance: "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", regId: 1, expires: 600, transport: "UDP",
  });
}

const until = async (what: string, cond: () => boolean) => {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
};

describe("SIP protocol trace", () => {
  it("shows a digest REGISTER out and its challenge in, with peers, and never the response, nonce or cnonce", async () => {
    const { tl, records, received, peer, target } = await rig();
    const digest = new DigestSession({ credentials: () => ({ username: "alice", password: PASSWORD }) });
    const first = register();
    const challengeText =
      `SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 127.0.0.1:${tl.ports.udp};branch=z9hG4bKx\r\nFrom: <sip:alice@example.test>;tag=f1\r\n` +
        `To: <sip:alice@example.test>;tag=s\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n` +
        `WWW-Authenticate: Digest realm="example.test", nonce="${NONCE}", qop="auth", algorithm=MD5\r\nContent-Length: 0\r\n\r\n`;
    const challenge = parseSipMessage(challengeText) as SipResponse;
    digest.authorize(first);
    expect(digest.onResponse(challenge)).toMatchObject({ ok: true });
    const request = register();
    digest.authorize(request);
    await tl.send(request, target);
    await until("the REGISTER at the peer", () => received.length === 1);
    const wire = received[0]!;
    const response = /response="([0-9a-f]+)"/.exec(wire)![1]!;
    const cnonce = /cnonce="([^"]+)"/.exec(wire)![1]!;
    // The challenge comes in (it is dropped later as not ours: the trace shows it first).
    await new Promise<void>((r) => peer.send(challengeText, tl.ports.udp!, "127.0.0.1", () => r()));
    await until("the challenge traced", () => records.some((r) => r.msg === "sip in"));
    const out = records.find((r) => r.msg === "sip out")!;
    expect(out.scope).toBe("sip.trace");
    expect(out.fields).toMatchObject({ peer: `UDP 127.0.0.1:${target.port}` });
    expect(String(out.fields!.text)).toMatch(/^REGISTER sip:example\.test SIP\/2\.0/);
    expect(String(out.fields!.text)).toContain('Authorization: Digest username="alice", realm="example.test"');
    const all = JSON.stringify(records);
    for (const secret of [response, cnonce, NONCE, PASSWORD]) expect(all).not.toContain(secret);
    expect(all).toContain("response=[redacted]");
  });

  it("writes nothing and serializes nothing for the trace when debug is off", async () => {
    const { tl, records, received, target } = await rig("info");
    await tl.send(register(), target);
    await until("the REGISTER at the peer", () => received.length === 1);
    expect(records.filter((r) => r.scope === "sip.trace")).toEqual([]);
  });
});

describe("SIP trace content", () => {
  const message = (type: string, body: string) =>
    `MESSAGE sip:bob@example.test SIP/2.0\r\nCall-ID: m\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it("leaves a chat body out (users' content) and keeps SDP", () => {
    expect(withoutUserContent(message("text/plain;charset=utf-8", "meet at 5 ☺"))).toMatch(/\r\n\r\n\[13 bytes of text\/plain left out; CUSAX_TRACE=sip shows them\]$/);
    const sdp = message("application/sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n");
    expect(withoutUserContent(sdp)).toBe(sdp);
    expect(withoutUserContent("OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n")).toContain("Content-Length: 0");
  });
});
