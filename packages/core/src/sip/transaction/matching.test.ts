import { describe, expect, it } from "vitest";
import { parseVia } from "../message/index.js";
import { clientKey, legacyMatch, MAGIC_COOKIE, newBranch, responseKey, serverKey, viaEquals } from "./matching.js";
import { request, response } from "./testing.js";

describe("client matching (RFC 3261 §17.1.3)", () => {
  it("keys a response by top Via branch and CSeq method", () => {
    const invite = request({ branch: "z9hG4bKabc" });
    expect(responseKey(response(invite, 180))).toBe(clientKey("z9hG4bKabc", "INVITE"));
    // The CANCEL of that INVITE shares the branch but not the method.
    const cancel = request({ method: "CANCEL", branch: "z9hG4bKabc" });
    expect(responseKey(response(cancel, 200))).toBe(clientKey("z9hG4bKabc", "CANCEL"));
    expect(responseKey(response(cancel, 200))).not.toBe(responseKey(response(invite, 200)));
  });

  it("mints branches with the magic cookie from an injected random source", () => {
    expect(newBranch(() => Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(`${MAGIC_COOKIE}0102030405060708`);
    expect(newBranch()).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
  });
});

describe("server matching (RFC 3261 §17.2.3)", () => {
  it("keys by branch, sent-by and method, with ACK counted as INVITE", () => {
    const invite = serverKey(request({ branch: "z9hG4bK1" }));
    expect(serverKey(request({ method: "ACK", cseqMethod: "ACK", branch: "z9hG4bK1" }))).toBe(invite);
    expect(serverKey(request({ method: "CANCEL", branch: "z9hG4bK1" }))).not.toBe(invite);
    expect(serverKey(request({ method: "CANCEL", branch: "z9hG4bK1" }), "INVITE")).toBe(invite);
    expect(serverKey(request({ branch: "z9hG4bK1", sentBy: "other.example.com" }))).not.toBe(invite);
    expect(serverKey(request({ branch: "z9hG4bK1", sentBy: "PC33.Atlanta.Example.com" }))).toBe(invite);
    expect(serverKey(request({ branch: "z9hG4bK2" }))).not.toBe(invite);
  });

  it("has no key for a branch without the magic cookie (RFC 2543 peer)", () => {
    expect(serverKey(request({ branch: "4b43c2ff8.1" }))).toBeUndefined();
  });

  describe("RFC 2543 fallback", () => {
    const invite = request({ branch: "old1" });
    it("matches a retransmitted INVITE field by field", () => {
      expect(legacyMatch(invite, undefined, request({ branch: "old1" }))).toBe(true);
      expect(legacyMatch(invite, undefined, request({ branch: "old1", fromTag: "x" }))).toBe(false);
      expect(legacyMatch(invite, undefined, request({ branch: "old1", callId: "x" }))).toBe(false);
      expect(legacyMatch(invite, undefined, request({ branch: "old1", cseq: 1 }))).toBe(false);
      expect(legacyMatch(invite, undefined, request({ branch: "old1", uri: "sip:carol@example.com" }))).toBe(false);
      expect(legacyMatch(invite, undefined, request({ branch: "old2" }))).toBe(false);
      expect(legacyMatch(invite, undefined, request({ branch: "old1", toTag: "t" }))).toBe(false);
    });

    it("matches an ACK by the To tag of the response the transaction sent", () => {
      const ack = request({ method: "ACK", cseqMethod: "ACK", branch: "old1", toTag: "sent-tag" });
      expect(legacyMatch(invite, "sent-tag", ack)).toBe(true);
      expect(legacyMatch(invite, "other-tag", ack)).toBe(false);
    });

    it("matches a CANCEL to its INVITE when the method is ignored (§9.2)", () => {
      const cancel = request({ method: "CANCEL", branch: "old1" });
      expect(legacyMatch(invite, undefined, cancel)).toBe(false);
      expect(legacyMatch(invite, undefined, cancel, true)).toBe(true);
    });
  });

  it("compares Via values as §20.42 says", () => {
    const a = parseVia("SIP/2.0/UDP host.example.com:5060;branch=x;received=192.0.2.1");
    expect(viaEquals(a, parseVia("SIP/2.0/UDP HOST.example.com:5060;received=192.0.2.1;branch=x"))).toBe(true);
    expect(viaEquals(a, parseVia("SIP/2.0/UDP host.example.com;branch=x;received=192.0.2.1"))).toBe(false);
    expect(viaEquals(a, parseVia("SIP/2.0/TCP host.example.com:5060;branch=x;received=192.0.2.1"))).toBe(false);
    expect(viaEquals(a, parseVia("SIP/2.0/UDP host.example.com:5060;branch=x"))).toBe(false);
  });
});
