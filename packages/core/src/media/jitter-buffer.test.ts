import { describe, expect, it } from "vitest";
import { FakeClock } from "../util/clock.js";
import { RepeatFadePlc } from "./codecs/plc.js";
import { JitterBuffer, type JitterFrame } from "./jitter-buffer.js";

function packet(seq: number) {
  const s = seq & 0xffff;
  return { sequenceNumber: s, timestamp: (seq * 160) >>> 0, payload: new Uint8Array([s & 0xff]) };
}

function describeFrame(f: JitterFrame): string {
  if (f.kind === "audio") return String(f.packet.sequenceNumber);
  if (f.kind === "conceal") return `~${f.sequenceNumber}`;
  return "-";
}

/** Pushes `arrivals` (seq at ms) and pops every 20 ms until `untilMs`. */
function run(jb: JitterBuffer, clock: FakeClock, arrivals: [number, number][], untilMs: number): string[] {
  const out: string[] = [];
  const pending = [...arrivals].sort((a, b) => a[1] - b[1]);
  for (let t = 0; t <= untilMs; t += 10) {
    while (pending.length && pending[0]![1] <= t) jb.push(packet(pending.shift()![0]));
    if (t % 20 === 0) out.push(describeFrame(jb.pop()));
    clock.advance(10);
  }
  return out.filter((f, i, a) => !(f === "-" && a.slice(0, i).every((x) => x === "-")));
}

function make(options: Partial<ConstructorParameters<typeof JitterBuffer>[0]> = {}) {
  const clock = new FakeClock();
  return { clock, jb: new JitterBuffer({ clock, clockRate: 8000, initialDelayMs: 40, minDelayMs: 40, ...options }) };
}

describe("JitterBuffer", () => {
  it("waits for the target delay, then plays one frame per pop in order", () => {
    const { clock, jb } = make();
    const frames = run(jb, clock, [0, 1, 2, 3, 4].map((s) => [s, s * 20]), 120);
    expect(frames.slice(0, 5)).toEqual(["0", "1", "2", "3", "4"]);
  });

  it("reorders packets that arrive out of order", () => {
    const { clock, jb } = make();
    const frames = run(jb, clock, [[0, 0], [2, 20], [1, 25], [4, 60], [3, 65], [5, 100]], 200);
    expect(frames.slice(0, 6)).toEqual(["0", "1", "2", "3", "4", "5"]);
  });

  it("asks for concealment where a packet is missing", () => {
    const { clock, jb } = make();
    const frames = run(jb, clock, [[0, 0], [1, 20], [3, 60], [4, 80]], 160);
    expect(frames.slice(0, 5)).toEqual(["0", "1", "~2", "3", "4"]);
    expect(jb.snapshot().concealed).toBeGreaterThanOrEqual(1);
  });

  it("drops duplicates, before and after playout", () => {
    const { clock, jb } = make();
    expect(jb.push(packet(0))).toBe("queued");
    expect(jb.push(packet(0))).toBe("duplicate");
    clock.advance(40);
    jb.push(packet(1));
    expect(jb.pop().kind).toBe("audio");
    expect(jb.push(packet(0))).toBe("duplicate");
    expect(jb.snapshot().duplicates).toBe(2);
  });

  it("drops a late packet and deepens the target", () => {
    const { clock, jb } = make();
    jb.push(packet(0));
    jb.push(packet(2));
    clock.advance(40);
    expect(describeFrame(jb.pop())).toBe("0");
    expect(describeFrame(jb.pop())).toBe("~1");
    const before = jb.targetDelayMs;
    expect(jb.push(packet(1))).toBe("late");
    expect(jb.targetDelayMs).toBe(before + 20);
    expect(describeFrame(jb.pop())).toBe("2");
  });

  it("keeps order across the 65535 -> 0 wrap", () => {
    const { clock, jb } = make();
    const seqs = [65533, 65534, 65535, 65536, 65537, 65538];
    const frames = run(jb, clock, seqs.map((s, i) => [s, i * 20]), 200);
    expect(frames.slice(0, 6)).toEqual(["65533", "65534", "65535", "0", "1", "2"]);
  });

  it("stays within its bounds and skips frames when a burst makes it too deep", () => {
    const { clock, jb } = make({ maxDelayMs: 100 });
    for (let i = 0; i < 10; i++) jb.push(packet(i)); // a burst: ten frames at once
    for (let i = 0; i < 10; i++) expect(jb.push(packet(i))).toBe("duplicate");
    clock.advance(40);
    const frames: string[] = [];
    for (let i = 0; i < 6; i++) frames.push(describeFrame(jb.pop()));
    expect(jb.snapshot().dropped).toBeGreaterThan(0);
    expect(frames.every((f) => !f.startsWith("~"))).toBe(true);
    for (let i = 0; i < 30; i++) jb.push(packet(1000 + i));
    expect(jb.targetDelayMs).toBeLessThanOrEqual(100);
  });

  it("relaxes the target after a calm stretch with low jitter", () => {
    const { clock, jb } = make({ initialDelayMs: 200, maxDelayMs: 300 });
    const frames = run(jb, clock, Array.from({ length: 200 }, (_, s) => [s, s * 20] as [number, number]), 4000);
    expect(frames.filter((f) => f.startsWith("~"))).toEqual([]);
    expect(jb.targetDelayMs).toBeLessThan(200);
  });

  it("re-buffers after a long pause instead of concealing forever", () => {
    const { clock, jb } = make({ maxConcealFrames: 3 });
    const frames = run(jb, clock, [[0, 0], [1, 20], [2, 1000], [3, 1020]], 1200);
    expect(frames.slice(0, 5)).toEqual(["0", "1", "~2", "~3", "~4"]);
    expect(frames).toContain("-");
    expect(frames.at(-1)).toBe("-");
    expect(frames.filter((f) => f === "2" || f === "3")).toEqual(["2", "3"]);
  });
});

describe("JitterBuffer restarts", () => {
  it("starts over when the sequence jumps far (a restarted sender)", () => {
    const { clock, jb } = make();
    const frames = run(jb, clock, [[0, 0], [1, 20], [2, 40], [5000, 60], [5001, 80], [5002, 100], [5003, 120]], 300);
    expect(frames.slice(0, 3)).toEqual(["0", "1", "2"]);
    expect(frames.filter((f) => f.startsWith("500"))).toEqual(["5000", "5001", "5002", "5003"]);
    // No concealment for the numbers skipped between 2 and 5000.
    expect(frames.slice(0, 7)).toEqual(["0", "1", "2", "5000", "5001", "5002", "5003"]);
  });

  it("starts over when the sequence jumps far back", () => {
    const { clock, jb } = make();
    const frames = run(jb, clock, [[1000, 0], [1001, 20], [1002, 40], [7, 60], [8, 80], [9, 100], [10, 120]], 260);
    expect(frames[0]).toBe("1000");
    expect(frames.filter((f) => /^\d+$/.test(f) && Number(f) < 100)).toEqual(["7", "8", "9", "10"]);
  });

  it("under random reordering, loss and duplication, plays each number at most once, in order", () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const { clock, jb } = make({ maxDelayMs: 200 });
    const arrivals: [number, number][] = [];
    for (let s = 0; s < 500; s++) {
      if (rnd() < 0.05) continue; // lost
      const at = s * 20 + Math.floor(rnd() * 60); // up to 60 ms of jitter
      arrivals.push([65400 + s, at]);
      if (rnd() < 0.05) arrivals.push([65400 + s, at + 5]); // duplicated
    }
    const frames = run(jb, clock, arrivals, 500 * 20 + 400).filter((f) => f !== "-");
    const order = frames.map((f) => (Number(f.replace("~", "")) - 65400 + 65536) % 65536);
    for (let i = 1; i < order.length; i++) expect(order[i]!).toBeGreaterThan(order[i - 1]!);
    const stats = jb.snapshot();
    expect(stats.played).toBeGreaterThan(440);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(stats.targetDelayMs).toBeLessThanOrEqual(200);
  });

  it("after a re-buffer, drops what it already concealed and played past", () => {
    const { clock, jb } = make({ maxConcealFrames: 2 });
    jb.push(packet(0));
    clock.advance(40);
    expect(describeFrame(jb.pop())).toBe("0");
    expect(describeFrame(jb.pop())).toBe("~1");
    expect(describeFrame(jb.pop())).toBe("~2");
    expect(describeFrame(jb.pop())).toBe("-");
    // The run 1..3 never arrived: those numbers may still come and play.
    expect(jb.push(packet(1))).toBe("queued");
    expect(jb.push(packet(0))).toBe("duplicate");
  });
});

describe("RepeatFadePlc", () => {
  it("repeats the last frame, fading to silence after 60 ms", () => {
    const plc = new RepeatFadePlc();
    plc.onGoodFrame(new Int16Array(160).fill(1000));
    const a = plc.conceal(160);
    const b = plc.conceal(160);
    const c = plc.conceal(160);
    const d = plc.conceal(160);
    expect(a[0]).toBe(1000);
    expect(Math.abs(a[159]!)).toBeLessThan(1000);
    expect(b[0]!).toBeLessThan(a[0]!);
    expect(c[159]!).toBeLessThan(20);
    expect(d.every((x) => x === 0)).toBe(true);
    expect(plc.concealedMs).toBe(80);
    plc.onGoodFrame(new Int16Array(160).fill(5));
    expect(plc.conceal(160)[0]).toBe(5);
  });
  it("gives silence when nothing was heard yet", () => {
    expect(new RepeatFadePlc().conceal(80).every((x) => x === 0)).toBe(true);
  });
});
