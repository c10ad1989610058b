import { describe, expect, it } from "vitest";
import { resolveXmppServices, type SrvRecord, type SrvResolver } from "./srv.js";

function fakeDns(records: Record<string, SrvRecord[]>): SrvResolver {
  return {
    async resolveSrv(name) {
      const r = records[name];
      if (!r) throw Object.assign(new Error(`queryNotFound ${name}`), { code: "ENOTFOUND" });
      return r;
    },
  };
}
const rec = (name: string, port: number, priority: number, weight = 0): SrvRecord => ({ name, port, priority, weight });

describe("XMPP service look-up (RFC 6120 §3.2, XEP-0368)", () => {
  it("falls back to the domain on 5222 without records", async () => {
    expect(await resolveXmppServices("example.test", { resolver: fakeDns({}) })).toEqual(["xmpp://example.test:5222"]);
  });

  it("merges both record sets by priority, direct TLS first on a tie", async () => {
    const dns = fakeDns({
      "_xmpp-client._tcp.example.test": [rec("b.example.test", 5222, 10), rec("a.example.test", 5222, 5)],
      "_xmpps-client._tcp.example.test": [rec("t.example.test", 443, 5)],
    });
    expect(await resolveXmppServices("example.test", { resolver: dns })).toEqual([
      "xmpps://t.example.test:443",
      "xmpp://a.example.test:5222",
      "xmpp://b.example.test:5222",
    ]);
  });

  it("orders by weight within a priority (RFC 2782)", async () => {
    const dns = fakeDns({ "_xmpp-client._tcp.example.test": [rec("light", 1, 1, 1), rec("heavy", 2, 1, 99)] });
    // A draw of 0.5 of the total weight 100 lands on the heavy record.
    expect(await resolveXmppServices("example.test", { resolver: dns, random: () => 0.5 })).toEqual(["xmpp://heavy:2", "xmpp://light:1"]);
    expect(await resolveXmppServices("example.test", { resolver: dns, random: () => 0 })).toEqual(["xmpp://light:1", "xmpp://heavy:2"]);
  });

  it("a '.' target means no XMPP service", async () => {
    const dns = fakeDns({ "_xmpp-client._tcp.example.test": [rec(".", 0, 0)] });
    expect(await resolveXmppServices("example.test", { resolver: dns })).toEqual([]);
  });
});
