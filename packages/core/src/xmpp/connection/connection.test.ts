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

describe("SCRAM server signature (RFC 5802 §3)", () => {
  it("a wrong v= in <success/> ends the login with a SaslError", async () => {
    const { EventEmitter } = await import("node:events");
    const { ScramExchange } = await import("./sasl-scram.js");
    const { verifyServerSignature } = await import("./entity.js");
    const { parseXml } = await import("../xml.js");
    const x = new ScramExchange("sha1", { username: "user", password: "pencil" }, "fyko+d2lbbFgONRv9qkxdawL");
    x.clientFinal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
    const make = () => {
      const e = Object.assign(new EventEmitter(), { disconnects: 0, disconnect: async () => void e.disconnects++ });
      const errors: { condition?: string }[] = [];
      e.on("error", (err: { condition?: string }) => errors.push(err));
      let current: typeof x | undefined = x;
      verifyServerSignature(e as never, () => current, () => (current = undefined));
      return { e, errors };
    };
    const success = (v: string) => parseXml(`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${Buffer.from(v).toString("base64")}</success>`);
    const good = make();
    good.e.emit("nonza", success("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
    expect(good.errors).toEqual([]);
    const bad = make();
    bad.e.emit("nonza", success("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    expect(bad.errors).toMatchObject([{ condition: "server-signature-mismatch" }]);
    expect(bad.e.disconnects).toBe(1);
  });
});

describe("stream data guard", () => {
  it("decodes UTF-8 split across chunks and drops data once the parser is gone", async () => {
    const { EventEmitter } = await import("node:events");
    const { guardData } = await import("./entity.js");
    const writes: string[] = [];
    const entity = Object.assign(new EventEmitter(), {
      socket: {},
      parser: { write: (s: string) => writes.push(s) } as { write(s: string): void } | null,
      disconnect: async () => undefined,
      _onData: (_d: Buffer | string) => undefined,
    });
    guardData(entity as never);
    const bytes = Buffer.from("<body>é</body>", "utf8");
    const cut = bytes.indexOf(0xc3) + 1;
    entity._onData(bytes.subarray(0, cut));
    entity._onData(bytes.subarray(cut));
    expect(writes.join("")).toBe("<body>é</body>");
    entity.parser = null;
    expect(() => entity._onData(Buffer.from("<more/>"))).not.toThrow();
    expect(writes.join("")).toBe("<body>é</body>");
  });
});
