// World: RFC 3261 §10 / RFC 5626 / RFC 5627 registration at the world's Kamailio over UDP, TCP, TLS
// and WS (RFC 7118), with GRUU, digest (MD5 and SHA-256, RFC 8760), refresh and un-register.
import { describe, expect, it } from "vitest";
import { startKamailio, until, useCleanup } from "../index.js";
import type { TransportName } from "../../../packages/core/src/sip/transport/index.js";
import { bindingOf, startStack, udpExchange } from "./stack-kit.js";

const track = useCleanup();

describe("registration at Kamailio", () => {
  for (const transport of ["UDP", "TCP", "TLS", "WS"] as TransportName[]) {
    it(`registers over ${transport} and obtains a GRUU`, async () => {
      const k = track(await startKamailio({ users: ["alice"], label: `reg-${transport.toLowerCase()}` }));
      const ua = track(await startStack(k, transport));
      const outcome = await ua.registration.start();
      expect(outcome).toMatchObject({ ok: true });
      expect(ua.registration.state).toBe("registered");
      const gruu = ua.registration.gruu;
      expect(gruu).toMatch(new RegExp(`^sip:alice@example\\.test;gr=urn:uuid:${ua.instanceId}$`));
      expect(ua.registration.contact).toBe(gruu);
      expect(ua.registration.tempGruu).toMatch(/;gr$/);
      const binding = await until("the binding in ul.dump", async () => (await bindingOf(k, "alice")) || undefined);
      expect(binding).toContain(ua.instanceId);
      const rcv = (await k.wireRecords()).filter((r) => r.tag === "rcv" && r.text.startsWith("REGISTER "));
      expect(rcv.at(-1)!.proto.toUpperCase()).toContain(transport === "WS" ? "WS" : transport);
      await ua.stop();
    });
  }

  it("is reachable at its binding: Kamailio forwards an OPTIONS for the AoR over each flow and we answer", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "reg-reach" }));
    for (const transport of ["UDP", "TCP", "TLS", "WS"] as TransportName[]) {
      const ua = track(await startStack(k, transport));
      expect(await ua.registration.start()).toMatchObject({ ok: true });
      const callId = `reach-${transport}-${Date.now()}`;
      // From a foreign domain, so Kamailio relays it without asking for credentials.
      const options =
        `OPTIONS sip:alice@${k.domain} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${callId};rport\r\nMax-Forwards: 70\r\n` +
        `From: <sip:probe@elsewhere.test>;tag=r1\r\nTo: <sip:alice@${k.domain}>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
      const replies = await udpExchange(k.ports.udp, [options], (rs) => rs.some((r) => /^SIP\/2\.0 [2-6]\d\d /.test(r)));
      expect(replies.find((r) => !r.startsWith("SIP/2.0 1"))!.split("\r\n")[0]).toBe("SIP/2.0 200 OK");
      expect(ua.requests.some((r) => r.method === "OPTIONS" && r.headers.callId() === callId)).toBe(true);
      await ua.stop();
    }
  });

  it("a wrong password fails quickly with auth-failed, once", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "reg-badpw" }));
    const ua = track(await startStack(k, "UDP", { credentials: { username: "alice", password: "wrong" } }));
    const failed: unknown[] = [];
    ua.registration.events.on("failed", (f) => failed.push(f));
    // No hang (the test time-out would catch it) and no retry loop: one
    // challenge, one answer, one clear failure.
    const outcome = await ua.registration.start();
    expect(outcome).toMatchObject({ ok: false, reason: "auth-failed", status: 401 });
    expect(outcome).not.toHaveProperty("retryInMs");
    expect(ua.registration.state).toBe("failed");
    expect(failed).toHaveLength(1);
    expect((await k.wireRecords()).filter((r) => r.tag === "rcv" && r.text.startsWith("REGISTER "))).toHaveLength(2);
  });

  it("refreshes before expiry (seen by Kamailio) and un-registering removes the binding", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "reg-refresh" }));
    const ua = track(await startStack(k, "TCP", { expires: 12 }));
    expect(await ua.registration.start()).toMatchObject({ ok: true, info: { expires: 12 } });
    const cseqs = async () =>
      (await k.wireRecords())
        .filter((r) => r.tag === "rcv" && r.text.startsWith("REGISTER ") && /\r?\nAuthorization:/i.test(r.text))
        .map((r) => Number(/\r?\nCSeq:\s*(\d+)/i.exec(r.text)?.[1]));
    const first = (await cseqs()).at(-1)!;
    await until("a refreshing REGISTER", async () => (await cseqs()).some((c) => c > first), { timeoutMs: 30_000 });
    expect(ua.registration.state).toBe("registered");
    expect(await bindingOf(k, "alice")).toContain(ua.instanceId);
    await ua.registration.stop();
    expect(ua.registration.state).toBe("unregistered");
    await until("the binding to go", async () => (await bindingOf(k, "alice")) === "");
  });

  it("keeps the flow alive: OPTIONS over UDP and CRLF pings over TCP are answered, the binding stays", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "reg-keepalive" }));
    const udp = track(await startStack(k, "UDP", { keepAliveMs: 1_000 }));
    expect(await udp.registration.start()).toMatchObject({ ok: true });
    const keepalives = async () => (await k.wireRecords()).filter((r) => r.tag === "snd" && r.text.startsWith("SIP/2.0 200 Keepalive") && r.text.includes("CSeq: 1 OPTIONS"));
    await until("two answered OPTIONS keep-alives", async () => (await keepalives()).length >= 2);
    expect(udp.registration.state).toBe("registered");
    await udp.stop();
    const tcp = track(await startStack(k, "TCP", { keepAliveMs: 1_000 }));
    let pongs = 0;
    tcp.transport.events.on("pong", () => (pongs += 1));
    expect(await tcp.registration.start()).toMatchObject({ ok: true });
    await until("two pongs", () => pongs >= 2);
    expect(tcp.registration.state).toBe("registered");
  });

  it("registers with a SHA-256 digest (RFC 8760)", async () => {
    const k = track(await startKamailio({ users: ["alice"], digestAlgorithm: "SHA-256", label: "reg-sha256" }));
    const ua = track(await startStack(k, "UDP"));
    expect(await ua.registration.start()).toMatchObject({ ok: true });
    const auth = (await k.wireRecords()).find((r) => r.tag === "rcv" && /\r?\nAuthorization:/i.test(r.text));
    expect(auth?.text).toMatch(/algorithm=SHA-256/i);
  });
});
