import { describe, expect, it } from "vitest";
import { FakeClock } from "../../util/clock.js";
import { backoffDelay } from "./backoff.js";
import { KeepAlive } from "./keepalive.js";
import { isPermanent, toCusaxError } from "./errors.js";
import { checkService, chooseMechanism } from "./entity.js";
import { XmlGuardError } from "./xml-guard.js";

describe("back-off", () => {
  it("doubles up to the cap, with jitter in the upper half", () => {
    const mid = { random: () => 1 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, mid))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, mid)).toBe(60_000);
    expect(backoffDelay(2, { random: () => 0 })).toBe(2000);
  });
});

describe("keep-alive", () => {
  it("pings after idle time and declares the link dead without an answer", async () => {
    const clock = new FakeClock();
    let pings = 0;
    let dead = 0;
    const ka = new KeepAlive(clock, { intervalMs: 1000, timeoutMs: 500 }, () => (pings++, new Promise(() => {})), () => dead++);
    ka.start();
    clock.advance(900);
    ka.activity();
    clock.advance(900);
    expect(pings).toBe(0);
    clock.advance(100);
    expect(pings).toBe(1);
    clock.advance(499);
    expect(dead).toBe(0);
    clock.advance(1);
    expect(dead).toBe(1);
  });
  it("an answer keeps the link alive", async () => {
    const clock = new FakeClock();
    let dead = 0;
    const ka = new KeepAlive(clock, { intervalMs: 1000, timeoutMs: 500 }, () => Promise.resolve(), () => dead++);
    ka.start();
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await Promise.resolve();
      await Promise.resolve();
    }
    expect(dead).toBe(0);
    ka.stop();
    expect(clock.pendingCount).toBe(0);
  });
});

describe("connection policy", () => {
  it("prefers SCRAM-SHA-256, then SHA-1; PLAIN only inside TLS", () => {
    expect(chooseMechanism(["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"], true)).toBe("SCRAM-SHA-256");
    expect(chooseMechanism(["PLAIN", "SCRAM-SHA-1"], false)).toBe("SCRAM-SHA-1");
    expect(chooseMechanism(["PLAIN"], false)).toBeUndefined();
    expect(chooseMechanism(["PLAIN"], true)).toBe("PLAIN");
  });
  it("accepts xmpp, xmpps, wss and loopback ws only", () => {
    expect(() => checkService("xmpp://example.com:5222")).not.toThrow();
    expect(() => checkService("xmpps://example.com:5223")).not.toThrow();
    expect(() => checkService("wss://example.com/ws")).not.toThrow();
    expect(() => checkService("ws://127.0.0.1:5280/ws")).not.toThrow();
    expect(() => checkService("ws://example.com/ws")).toThrow(/loopback/);
    expect(() => checkService("http://example.com")).toThrow();
  });
  it("maps library errors onto typed errors", () => {
    const sasl = Object.assign(new Error("not-authorized"), { name: "SASLError", condition: "not-authorized", text: "" });
    expect(toCusaxError(sasl)).toMatchObject({ kind: "sasl", condition: "not-authorized" });
    expect(isPermanent(toCusaxError(sasl))).toBe(true);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(toCusaxError(refused)).toMatchObject({ kind: "transport" });
    expect(isPermanent(toCusaxError(refused))).toBe(false);
    const cert = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    expect(toCusaxError(cert).message).toMatch(/^TLS: ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(toCusaxError(new XmlGuardError({ condition: "restricted-xml", reason: "DTD" }))).toMatchObject({ kind: "stream", condition: "restricted-xml" });
    expect(toCusaxError(Object.assign(new Error("x"), { name: "StanzaError", condition: "item-not-found", type: "cancel" }))).toMatchObject({ kind: "stanza" });
  });
});
