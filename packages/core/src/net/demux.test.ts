// RFC 7983 §7 first-byte classes.
import { describe, expect, it } from "vitest";
import { classifyDatagram } from "./demux.js";

describe("RFC 7983 demultiplexing", () => {
  it("classifies by the first byte", () => {
    const of = (b: number) => classifyDatagram(new Uint8Array([b, 0, 0, 0]));
    expect([0, 1, 3].map(of)).toEqual(["stun", "stun", "stun"]);
    expect([20, 22, 63].map(of)).toEqual(["dtls", "dtls", "dtls"]);
    expect([64, 79].map(of)).toEqual(["turn-channel", "turn-channel"]);
    expect([128, 191].map(of)).toEqual(["rtp", "rtp"]);
    expect([4, 80, 127, 192, 255].map(of)).toEqual(["unknown", "unknown", "unknown", "unknown", "unknown"]);
    expect(classifyDatagram(new Uint8Array())).toBe("unknown");
  });
});
