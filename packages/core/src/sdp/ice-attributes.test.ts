// RFC 8839 attributes: the peer's ICE read from its SDP (media or session
// level credentials, unusable candidates skipped, ICE mismatch, no ICE).
import { describe, expect, it } from "vitest";
import { remoteIceOf } from "./ice-attributes.js";

const sdp = (lines: string[], c = "203.0.113.1", port = 40000) =>
  ["v=0", "o=- 1 1 IN IP4 203.0.113.1", "s=-", `c=IN IP4 ${c}`, "t=0 0", ...lines.filter((l) => l.startsWith("a=ice-") && l.includes("session")).map((l) => l.replace(" session", "")), `m=audio ${port} RTP/AVP 0`, ...lines.filter((l) => !l.includes("session")), ""].join("\r\n");

const CANDIDATES = [
  "a=candidate:1 1 UDP 2130706431 192.0.2.10 40000 typ host",
  "a=candidate:2 1 UDP 1694498815 203.0.113.1 40000 typ srflx raddr 192.0.2.10 rport 40000",
  "a=candidate:3 1 TCP 1 192.0.2.10 9 typ host tcptype active",
  "a=candidate:4 1 UDP 2130706430 abcd.local 40002 typ host",
  "a=candidate:5 2 UDP 2130706430 192.0.2.10 40001 typ host",
];

describe("remoteIceOf", () => {
  it("reads media-level credentials and the usable UDP candidates (no TCP, no mDNS names)", () => {
    const r = remoteIceOf(sdp(["a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901", ...CANDIDATES]), 0);
    expect(r.ice?.ufrag).toBe("abcd");
    expect(r.ice?.candidates.map((c) => [c.component, c.type, c.address, c.port, c.relatedAddress])).toEqual([
      [1, "host", "192.0.2.10", 40000, undefined],
      [1, "srflx", "203.0.113.1", 40000, "192.0.2.10"],
      [2, "host", "192.0.2.10", 40001, undefined],
    ]);
  });

  it("inherits session-level credentials", () => {
    const r = remoteIceOf(sdp(["a=ice-ufrag:sess session", "a=ice-pwd:0123456789012345678901 session", ...CANDIDATES]), 0);
    expect(r.ice?.ufrag).toBe("sess");
  });

  it("says mismatch when c=/m= is none of the candidates (an ALG rewrote it), and no-ice without attributes", () => {
    expect(remoteIceOf(sdp(["a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901", ...CANDIDATES], "198.51.100.9"), 0)).toEqual({ ice: undefined, why: "mismatch" });
    expect(remoteIceOf(sdp([]), 0)).toEqual({ ice: undefined, why: "no-ice" });
    expect(remoteIceOf(sdp(["a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901", ...CANDIDATES], "203.0.113.1", 0), 0)).toEqual({ ice: undefined, why: "rejected" });
  });
});
