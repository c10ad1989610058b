// protocol.md D33: the capture pipe's bounded FIFO (drop oldest, refill after running dry, split samples).
import { describe, expect, it } from "vitest";
import { PcmFifo } from "./pcm-fifo.js";

const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);

describe("PcmFifo", () => {
  it("keeps at most its capacity, dropping the oldest samples", () => {
    const f = new PcmFifo(10, 4);
    f.push(ramp(0, 8));
    f.push(ramp(8, 6));
    expect(f.size).toBe(10);
    expect(f.counters.dropped).toBe(4);
    expect(Array.from(f.read(4)!)).toEqual([4, 5, 6, 7]);
    f.push(ramp(100, 25));
    expect(Array.from(f.read(10)!)).toEqual(Array.from(ramp(115, 10)));
  });

  it("gives nothing until refilled after running dry, and counts the dry read", () => {
    const f = new PcmFifo(100, 6);
    f.push(ramp(0, 4));
    expect(f.read(4)).toBeUndefined(); // not primed: 4 < 6
    f.push(ramp(4, 4));
    expect(Array.from(f.read(4)!)).toEqual([0, 1, 2, 3]);
    expect(f.read(5)).toBeUndefined(); // 4 left: dry
    expect(f.counters.underruns).toBe(1);
    f.push(ramp(8, 1));
    expect(f.read(4)).toBeUndefined(); // 5 < 6: still refilling
    f.push(ramp(9, 1));
    expect(Array.from(f.read(4)!)).toEqual([4, 5, 6, 7]);
  });

  it("reads little-endian bytes, a sample split across chunks included", () => {
    const f = new PcmFifo(10, 1);
    f.pushBytes(Uint8Array.of(0x01, 0x00, 0xff));
    f.pushBytes(Uint8Array.of(0xff, 0x00));
    f.pushBytes(Uint8Array.of(0x80));
    expect(Array.from(f.read(3)!)).toEqual([1, -1, -32768]);
  });
});
