// World-test kit for IPv6 (RFC 5118): our SipUserAgent bound on ::1, registered at the world's
// Kamailio through [::1], with ToneMedia on an IPv6 RTP socket (c=IN IP6 ::1).
import { randomUUID } from "node:crypto";
import { SipUserAgent, type MediaHooks } from "../../../packages/core/src/sip/index.js";
import type { SipServer } from "../index.js";
import { ToneMedia, type Agent } from "./call-kit.js";

/** Our user agent on ::1, registered as `user` over `transport` through Kamailio's ::1 listener. */
export async function startAgent6(k: SipServer, user: string, transport: "udp" | "tcp" | "tls", hz: number): Promise<Agent> {
  const u = k.users[user]!;
  const medias: ToneMedia[] = [];
  const mediaHooks: MediaHooks = {
    create: () => {
      const m = new ToneMedia(hz, "::1");
      medias.push(m);
      return m;
    },
  };
  const port = transport === "tls" ? k.ports.tls : k.ports.udp;
  const ua = new SipUserAgent({
    aor: u.aor, password: u.password, instanceId: `urn:uuid:${randomUUID()}`, transport, ca: [k.caPem],
    outboundProxy: `sip:[::1]:${port};transport=${transport}`, listen: { host: "::1" }, mediaHooks, expires: 120,
  });
  const started = await ua.start();
  if (!started.ok) throw new Error(`registration over IPv6 failed: ${JSON.stringify(started)}`);
  return { ua, medias, stop: () => ua.stop() };
}
