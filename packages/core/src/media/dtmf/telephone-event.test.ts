import { describe, expect, it } from "vitest";
import { bytesToHex } from "../bytes.js";
import {
  digitToEvent,
  parseTelephoneEvent,
  serializeTelephoneEvent,
  telephoneEventPackets,
  TelephoneEventReceiver,
} from "./telephone-event.js";

describe("RFC 4733 telephone-event payload", () => {
  it("encodes and decodes the fields", () => {
    const bytes = serializeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    expect(bytesToHex(bytes)).toBe("0b8a0320");
    expect(parseTelephoneEvent(bytes)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(parseTelephoneEvent(new Uint8Array(3))).toBeUndefined();
    expect(digitToEvent("#")).toBe(11);
    expect(digitToEvent("a")).toBe(12);
    expect(digitToEvent("x")).toBeUndefined();
  });
});

describe("telephoneEventPackets", () => {
  it("starts with the marker, grows the duration, ends with three identical end packets", () => {
    const packets = telephoneEventPackets("5", { durationMs: 100 });
    const events = packets.map((p) => parseTelephoneEvent(p.payload)!);
    expect(packets.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(events.map((e) => e.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(events.map((e) => e.end)).toEqual([false, false, false, false, true, true, true]);
    expect(new Set(events.map((e) => e.event))).toEqual(new Set([5]));
  });
  it("a very short digit is end packets only, the first with the marker", () => {
    const packets = telephoneEventPackets("*", { durationMs: 10 });
    expect(packets.map((p) => p.marker)).toEqual([true, false, false]);
    expect(parseTelephoneEvent(packets[0]!.payload)).toMatchObject({ end: true, duration: 160 });
  });
  it("refuses a non-digit", () => {
    expect(() => telephoneEventPackets("Z")).toThrow(RangeError);
  });
});

describe("TelephoneEventReceiver", () => {
  it("reports each digit once despite updates and repeated end packets", () => {
    const rx = new TelephoneEventReceiver();
    const got: string[] = [];
    let ts = 1000;
    for (const d of ["1", "1", "#"]) {
      for (const p of telephoneEventPackets(d)) {
        const r = rx.onPacket(ts, p.payload);
        if (r) got.push(r.digit);
      }
      ts += 1600;
    }
    expect(got).toEqual(["1", "1", "#"]);
  });
  it("still reports a digit whose first packets were lost", () => {
    const rx = new TelephoneEventReceiver();
    const packets = telephoneEventPackets("9").slice(3);
    const got = packets.map((p) => rx.onPacket(500, p.payload)?.digit).filter(Boolean);
    expect(got).toEqual(["9"]);
  });
});
