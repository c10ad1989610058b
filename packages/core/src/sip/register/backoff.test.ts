// RFC 5626 §4.5 back-off and the refresh / binding helpers.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSipMessage, parseSipUri, type SipResponse } from "../message/index.js";
import { backoffDelay, recoveryDelay } from "./backoff.js";
import { minExpires, readBinding, refreshDelay } from "./binding.js";
import { instanceUrn } from "./build.js";

describe("backoffDelay", () => {
  it("uses base 30 s when all flows failed and 90 s when some work, doubling, between 50 % and 100 % of W", () => {
    expect(backoffDelay(1, true, () => 0)).toBe(30_000);
    expect(backoffDelay(1, true, () => 0.999999)).toBe(60_000);
    expect(backoffDelay(1, false, () => 0)).toBe(90_000);
    expect(backoffDelay(2, false, () => 0)).toBe(180_000);
  });

  it("caps W at max-time (1800 s)", () => {
    expect(backoffDelay(20, true, () => 0.5)).toBe(1_350_000);
    expect(backoffDelay(1000, false, () => 0)).toBe(900_000);
  });
});

describe("recoveryDelay", () => {
  it("waits 50-100 % of 1, 2, 4, 8 s for the first four retries, then the §4.5 formula from one failure", () => {
    expect([1, 2, 3, 4].map((n) => recoveryDelay(n, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => recoveryDelay(n, () => 0.999999))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(recoveryDelay(5, () => 0)).toBe(30_000);
    expect(recoveryDelay(6, () => 0)).toBe(60_000);
    expect(recoveryDelay(100, () => 0)).toBe(900_000);
  });

  it("follows a configured quick count and base", () => {
    const config = { allFailedBaseMs: 30_000, someOkBaseMs: 90_000, maxMs: 1_800_000, quickRetries: 1, quickBaseMs: 200 };
    expect(recoveryDelay(1, () => 0, config)).toBe(100);
    expect(recoveryDelay(2, () => 0, config)).toBe(30_000);
  });
});

describe("binding helpers", () => {
  it("refresh delay: expires minus max(10 s, 10 %), never under half", () => {
    expect(refreshDelay(3600)).toBe(3_240_000);
    expect(refreshDelay(60)).toBe(50_000);
    expect(refreshDelay(20)).toBe(10_000);
    expect(refreshDelay(10)).toBe(5_000);
  });

  it("reads our binding by instance, else by URI; Expires header as fallback", () => {
    const res = (contacts: string, extra = "") =>
      parseSipMessage(`SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:a@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContact: ${contacts}\r\n${extra}Content-Length: 0\r\n\r\n`) as SipResponse;
    const ours = parseSipUri("sip:a@192.0.2.1:5070");
    expect(readBinding(res('<sip:a@10.0.0.1>;expires=50;+sip.instance="<urn:uuid:ABC>"'), "urn:uuid:abc", ours, 600)).toEqual({ expires: 50 });
    expect(readBinding(res("<sip:a@192.0.2.1:5070>", "Expires: 77\r\n"), "urn:uuid:abc", ours, 600)).toEqual({ expires: 77 });
    expect(readBinding(res("<sip:a@192.0.2.9>;expires=5"), "urn:uuid:abc", ours, 600)).toBeUndefined();
    expect(minExpires(res("<sip:a@x>", "Min-Expires: 60\r\n"))).toBe(60);
  });

  it("makes an instance URN from a bare UUID", () => {
    expect(instanceUrn("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6")).toBe("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    expect(instanceUrn("<urn:uuid:abc>")).toBe("urn:uuid:abc");
  });
});

describe("a real Kamailio 5.6 200 to REGISTER (golden fixture)", () => {
  it("gives our binding with pub-gruu and temp-gruu (RFC 5627 §4.2)", () => {
    const res = parseSipMessage(readFileSync(new URL("./fixtures/kamailio-200-gruu.sip", import.meta.url))) as SipResponse;
    const ours = parseSipUri("sip:alice@127.0.0.1:34745;transport=tcp");
    expect(readBinding(res, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", ours, 600)).toEqual({
      expires: 60,
      gruu: "sip:alice@example.test;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
      tempGruu: "sip:uloc-6b0727f8-2d28-1-dd7f25d6@example.test;gr",
    });
  });
});
