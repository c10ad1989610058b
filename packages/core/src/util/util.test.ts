import { describe, expect, it } from "vitest";
import { FakeClock } from "./clock.js";
import { Emitter, waitFor } from "./events.js";
import { createLogger, type LogRecord } from "./log.js";
import { ParseError, SipStatusError } from "./errors.js";

describe("FakeClock", () => {
  it("fires timers in due order, including ones set while firing", () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b@500"), 500);
    clock.setTimeout(() => {
      fired.push("a@100");
      clock.setTimeout(() => fired.push("c@300"), 200);
    }, 100);
    const cancelled = clock.setTimeout(() => fired.push("never"), 400);
    clock.clearTimeout(cancelled);
    clock.advance(499);
    expect(fired).toEqual(["a@100", "c@300"]);
    expect(clock.now()).toBe(499);
    clock.advance(1);
    expect(fired).toEqual(["a@100", "c@300", "b@500"]);
    expect(clock.pendingCount).toBe(0);
  });
});

describe("Emitter", () => {
  type Events = { ring: { n: number }; end: undefined };
  it("delivers to listeners and unsubscribes", () => {
    const e = new Emitter<Events>();
    const got: number[] = [];
    const off = e.on("ring", (p) => got.push(p.n));
    e.emit("ring", { n: 1 });
    off();
    e.emit("ring", { n: 2 });
    expect(got).toEqual([1]);
    expect(e.listenerCount("ring")).toBe(0);
  });
  it("keeps delivering when one listener throws, then rethrows", () => {
    const e = new Emitter<Events>();
    let second = 0;
    e.on("ring", () => {
      throw new Error("boom");
    });
    e.on("ring", () => second++);
    expect(() => e.emit("ring", { n: 1 })).toThrow("boom");
    expect(second).toBe(1);
  });
  it("waitFor resolves on the first matching payload and rejects on abort", async () => {
    const e = new Emitter<Events>();
    const p = waitFor(e, "ring", (r) => r.n > 1);
    e.emit("ring", { n: 1 });
    e.emit("ring", { n: 2 });
    await expect(p).resolves.toEqual({ n: 2 });
    const ac = new AbortController();
    const q = waitFor(e, "end", undefined, { signal: ac.signal });
    ac.abort();
    await expect(q).rejects.toMatchObject({ kind: "aborted" });
    expect(e.listenerCount("end")).toBe(0);
  });
});

describe("logger", () => {
  it("redacts secrets by key and inside SIP text", () => {
    const records: LogRecord[] = [];
    const log = createLogger({ scope: "sip", level: "debug", sink: (r) => records.push(r) });
    log.child("auth").info("sent Authorization: Digest username=\"a\", response=\"abc\"", {
      password: "hunter2",
      nested: { token: "t0k" },
      ok: 1,
    });
    const text = JSON.stringify(records);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("t0k");
    expect(text).not.toContain("abc");
    expect(records[0]?.scope).toBe("sip.auth");
    expect(records[0]?.fields?.ok).toBe(1);
  });
  it("drops records under the level", () => {
    const records: LogRecord[] = [];
    const log = createLogger({ level: "warn", sink: (r) => records.push(r) });
    log.info("quiet");
    log.warn("loud");
    expect(records.map((r) => r.msg)).toEqual(["loud"]);
  });
});

describe("errors", () => {
  it("carry a kind discriminant", () => {
    expect(new ParseError("bad", 3)).toMatchObject({ kind: "parse", offset: 3, name: "ParseError" });
    expect(new SipStatusError(486, "Busy Here").message).toBe("486 Busy Here");
  });
});
