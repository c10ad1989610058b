// RFC 5626 §4.4.1 keep-alive timing with a FakeClock.
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { KeepAlive } from "./keep-alive.js";

function ping(random: number, intervalMs = 30_000, pongTimeoutMs = 10_000) {
  const clock = new FakeClock();
  const sent: number[] = [];
  const dead: string[] = [];
  const ka = new KeepAlive({
    clock, intervalMs, pongTimeoutMs, random: () => random,
    probe: { kind: "ping", send: () => (sent.push(clock.now()), true) },
    onDead: (why) => dead.push(why),
  });
  return { clock, sent, dead, ka };
}

describe("KeepAlive", () => {
  it("pings at 80 % to 100 % of the interval", () => {
    const lo = ping(0);
    lo.ka.start();
    lo.clock.advance(24_000);
    expect(lo.sent).toEqual([24_000]);
    const hi = ping(0.999);
    hi.ka.start();
    hi.clock.advance(29_000);
    expect(hi.sent).toEqual([]);
    hi.clock.advance(1_000);
    expect(hi.sent).toHaveLength(1);
  });

  it("a pong in time keeps it going; a ping's deadline is not pushed back by later pings", () => {
    const w = ping(0, 3_000, 10_000); // pings every 2.4 s, pong deadline 10 s
    w.ka.start();
    w.clock.advance(2_400);
    w.ka.pong();
    w.clock.advance(2_400); // second ping at 4.8 s, never answered
    w.clock.advance(9_999);
    expect(w.dead).toEqual([]);
    w.clock.advance(1);
    expect(w.dead).toEqual(["no pong within the time-out"]);
    const count = w.sent.length;
    w.clock.advance(60_000);
    expect(w.sent).toHaveLength(count); // stopped once dead
  });

  it("stop() cancels everything", () => {
    const w = ping(0);
    w.ka.start();
    w.clock.advance(24_000);
    w.ka.stop();
    w.clock.advance(100_000);
    expect(w.dead).toEqual([]);
    expect(w.sent).toHaveLength(1);
  });
});
