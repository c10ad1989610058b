// World: RFC 5118 / RFC 4566 §5.7 IPv6 on ::1: our SipUserAgent and baresip register at Kamailio over
// [::1] (UDP, TCP, TLS), call each other, and the audio runs both ways on IPv6 RTP sockets with
// c=IN IP6 ::1 (tones checked at both ends); the wire shows bracketed hosts in Via and Contact.
// And our XMPP client logs in to Prosody at [::1].
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dominantFrequency } from "../../../packages/core/src/media/index.js";
import { audioStat, makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, until, useCleanup } from "../index.js";
import { makeClient } from "../xmpp/helpers.js";
import { nextIncoming, reach } from "./call-kit.js";
import { startAgent6 } from "./ipv6-kit.js";

const track = useCleanup();

async function world(transport: "udp" | "tcp" | "tls", label: string) {
  const k = track(await startKamailio({ users: ["alice", "bob"], label, ipv6: true }));
  const dir = { dir: makeWorldDir(`${label}-tones`) };
  track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir.dir, keepDir) });
  const tone = await makeTone(join(dir.dir, "bob.wav"), 1000, { seconds: 4 });
  const b = track(await startBaresip(k, "bob", { source: tone, answer: "auto", transport, ipv6: true }));
  await b.registered();
  const alice = track(await startAgent6(k, "alice", transport, 440));
  return { k, b, alice };
}

/** Waits until baresip's recording of what it heard is finished, and returns its frequency. */
async function heardByBaresip(b: Awaited<ReturnType<typeof world>>["b"]): Promise<number> {
  const dec = await until("bob's recording", () => b.recordings().dec[0]);
  const stat = await until("a finished recording", async () => {
    const s = await audioStat(dec).catch(() => undefined);
    return s && s.seconds > 0.5 ? s : undefined;
  }, { timeoutMs: 30_000 });
  return stat.frequency;
}

for (const transport of ["udp", "tcp", "tls"] as const) {
  describe(`IPv6 on ::1 over ${transport.toUpperCase()} with baresip through Kamailio`, () => {
    it("registers over [::1], calls baresip, hears its tone on an IPv6 RTP socket, and is heard", async () => {
      const { k, b, alice } = await world(transport, `ipv6-out-${transport}`);
      // Kamailio holds our binding with a bracketed IPv6 Contact.
      expect(await k.registrations()).toMatch(/Address: sips?:alice@\[::1\]:\d+/);
      const call = alice.ua.call(`sip:bob@${k.domain}`);
      await reach(call, "established", 30_000);
      await b.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established", 30_000);
      const media = alice.medias[0]!;
      await until("60 RTP packets from baresip over IPv6", () => (media.session?.received ?? 0) >= 60, { timeoutMs: 30_000 });
      expect(media.negotiated?.remoteAddress).toBe("::1");
      expect(Math.abs(dominantFrequency(media.sink.samples(), 8000) - 1000)).toBeLessThan(30);
      call.hangup();
      await reach(call, "ended");
      await b.waitEvent((e) => e.type === "CALL_CLOSED", "call closed", 30_000);
      expect(Math.abs((await heardByBaresip(b)) - 440)).toBeLessThan(30);
      const invite = (await k.wireRecords()).find((r) => r.tag === "rcv" && r.text.startsWith("INVITE "))!;
      expect(invite.proto.toUpperCase()).toContain(transport.toUpperCase());
      expect(invite.text).toMatch(new RegExp(`^Via: SIP/2\\.0/${transport.toUpperCase()} \\[::1\\]:\\d+;`, "mi"));
      expect(invite.text).toMatch(/^c=IN IP6 ::1\r$/m);
      expect(invite.text).toMatch(/^o=\S+ \d+ \d+ IN IP6 ::1\r$/m);
    });

    it("baresip calls us over [::1]; we answer with c=IN IP6 ::1 and hear it", async () => {
      const { k, b, alice } = await world(transport, `ipv6-in-${transport}`);
      const incoming = nextIncoming(alice.ua, 30_000);
      await b.command("dial", `sip:alice@${k.domain}`);
      const call = await incoming;
      expect(await call.answer()).toBe(true);
      await reach(call, "established", 30_000);
      await b.waitEvent((e) => e.type === "CALL_ESTABLISHED", "call established", 30_000);
      const media = alice.medias[0]!;
      await until("audio from baresip over IPv6", () => (media.session?.received ?? 0) >= 60, { timeoutMs: 30_000 });
      expect(Math.abs(dominantFrequency(media.sink.samples(), 8000) - 1000)).toBeLessThan(30);
      await b.command("hangup");
      await reach(call, "ended");
      expect(Math.abs((await heardByBaresip(b)) - 440)).toBeLessThan(30);
      const ok = (await k.wireRecords()).find((r) => r.tag === "rcv" && r.text.startsWith("SIP/2.0 200 ") && /CSeq: \d+ INVITE/.test(r.text))!;
      expect(ok.text).toMatch(/^c=IN IP6 ::1\r$/m);
    });
  });
}

describe("XMPP over ::1 (RFC 6120 §3.2: the server's address is IPv6)", () => {
  for (const kind of ["starttls", "tls"] as const) {
    it(`logs in to Prosody at [::1] (${kind === "tls" ? "direct TLS" : "STARTTLS"}) and binds a resource`, async () => {
      const prosody = track(await startProsody({ users: ["alice"], label: `ipv6-xmpp-${kind}`, ipv6: true }));
      const port = kind === "tls" ? prosody.ports.directTls : prosody.ports.c2s;
      const client = makeClient(prosody, "alice", { service: `${kind === "tls" ? "xmpps" : "xmpp"}://[::1]:${port}` });
      track({ stop: () => client.stop() });
      const { jid } = await client.start();
      expect(jid).toMatch(/^alice@example\.test\//);
      // Prosody saw the session come from ::1 (not from 127.0.0.1).
      await until("Prosody to log a c2s connection from ::1", () => /connection.*\[?::1\]?/i.test(prosody.log()), { timeoutMs: 20_000 });
    });
  }
});
