// RFC 3263 in the user agent: with a proxy given by name (no port), the UA
// finds it through SRV and A for its transport (RFC 3263 §4.1-4.2; a
// scripted DNS points at the world's Kamailio on loopback) and registers there.
import { describe, expect, it } from "vitest";
import { startKamailio, useCleanup } from "../index.js";
import { startAgent } from "./call-kit.js";
import type { SipResolver } from "../../../packages/core/src/sip/index.js";

const track = useCleanup();

describe("SIP proxy found by DNS", () => {
  it("follows SRV -> A to the registrar", async () => {
    const k = track(await startKamailio({ users: ["alice"], label: "sip-dns" }));
    const asked: string[] = [];
    const dns: SipResolver = {
      async naptr(name) {
        asked.push(`NAPTR ${name}`);
        return name === "sip.corp.test" ? [{ order: 10, preference: 10, flags: "s", service: "SIP+D2U", regexp: "", replacement: "_sip._udp.sip.corp.test" }] : [];
      },
      async srv(name) {
        asked.push(`SRV ${name}`);
        return name === "_sip._udp.sip.corp.test" ? [{ priority: 10, weight: 1, port: k.ports.udp, name: "edge1.corp.test" }] : [];
      },
      async a(name) {
        asked.push(`A ${name}`);
        return name === "edge1.corp.test" ? ["127.0.0.1"] : [];
      },
      async aaaa() {
        return [];
      },
    };
    const alice = track(await startAgent(k, "alice", "udp", 440, { outboundProxy: "sip:sip.corp.test", resolver: dns }));
    expect(alice.ua.registrationState).toBe("registered");
    expect(asked).toEqual(expect.arrayContaining(["SRV _sip._udp.sip.corp.test", "A edge1.corp.test"]));
    expect(await k.registrations()).toContain("AoR: alice\n");
  });
});
