// World: RFC 3261 §10 / §13-§15, RFC 5627 and RFC 3515 through Debian's stock kamailio.cfg (loose_route()
// then relay, auth and usrloc in MariaDB), GRUU off and on: registration (rows of the location and
// subscriber tables), calls between two of our UAs each way with hold/resume and BYE from either side,
// calls with baresip both ways with tones checked, and a blind transfer; and the shape itself: stock-gruu
// cannot route an in-dialog request to a GRUU (478). One MariaDB serves both instances.
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { serializeWav } from "../../../packages/core/src/media/index.js";
import type { SipCall } from "../../../packages/core/src/sip/index.js";
import { createLogger, type LogRecord } from "../../../packages/core/src/util/log.js";
import {
  audioStat, makeTone, makeWorldDir, removeWorldDir, startBaresip, startMariadb, startStockKamailio, until, useCleanup,
  type Baresip, type StockKamailio,
} from "../index.js";
import { phoneHeard } from "../media/media-kit.js";
import { nextIncoming, reach, startAgent, type Agent } from "./call-kit.js";
import { startStack, udpExchange } from "./stack-kit.js";

const track = useCleanup();
const USERS = ["alice", "bob", "carol", "dave", "erin"];
const servers: Record<"g0" | "g1", StockKamailio> = {} as Record<"g0" | "g1", StockKamailio>;
let tones = "";
let phones: Promise<[Baresip, Baresip]>;
const T = 30_000;
/** usrloc's write-back timer (60 s) plus room for a loaded machine. */
const DB_WAIT = { timeoutMs: 100_000, intervalMs: 500 };

beforeAll(async () => {
  const t0 = Date.now();
  const mariadb = track(await startMariadb({ label: "stock-db" }));
  const t1 = Date.now();
  const [g0, g1] = await Promise.all([
    startStockKamailio({ users: USERS, gruu: false, mariadb, label: "stock-g0" }),
    startStockKamailio({ users: USERS, gruu: true, mariadb, label: "stock-g1" }),
  ]);
  Object.assign(servers, { g0: track(g0), g1: track(g1) });
  tones = makeWorldDir("stock-tones");
  track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(tones, keepDir) });
  process.stderr.write(`[world] stock setup: MariaDB ${t1 - t0} ms, schema + users + Kamailio g0 and g1 ${Date.now() - t1} ms\n`);
  // Registered now, so that their location rows (usrloc write-back) are there by the time their tests run.
  const started = [phone(g1, "dave"), phone(g1, "erin")] as const;
  phones = Promise.all(started);
  phones.catch(() => undefined); // awaited (and its failure reported) by the baresip tests' beforeAll
  // Stopped even when no test awaited them (a filtered run), and each one that started when the other did not.
  track({
    stop: async (o) => {
      for (const r of await Promise.allSettled(started)) if (r.status === "fulfilled") await r.value.stop(o);
    },
  });
});

/** Our UA with its warnings kept (a failed in-dialog request is logged with its status there). */
async function agent(k: StockKamailio, user: string, hz: number): Promise<Agent & { warnings: () => string }> {
  const records: LogRecord[] = [];
  const logger = createLogger({ level: "warn", sink: (r) => records.push(r) });
  const a = await startAgent(k, user, "udp", hz, { logger });
  return { ...a, warnings: () => records.map((r) => `${r.msg} ${JSON.stringify(r.fields ?? {})}`).join("\n") || "(no warnings)" };
}

const both = [["g0", "stock (gruu_enabled 0)"], ["g1", "stock-gruu (gruu_enabled 1)"]] as const;

// Concurrent: usrloc writes the location table on its timer (write-back, up to 60 s), so all wait for one run.
describe.concurrent.each(both)("registration through %s", (name, title) => {
  it.for(["UDP", "TLS"] as const)(`${title}: registers over %s; the binding is a row of MariaDB's location table`, async (transport, { expect }) => {
    const k = servers[name];
    const ua = await startStack(k, transport, { user: "carol" });
    try {
      expect(await ua.registration.start()).toMatchObject({ ok: true });
      // RFC 5627: a pub-gruu in our 200 only when the registrar has GRUUs on.
      if (name === "g1") expect(ua.registration.gruu).toBe(`sip:carol@${k.domain};gr=urn:uuid:${ua.instanceId}`);
      else expect(ua.registration.gruu).toBeUndefined();
      const row = await until("the binding's row in the location table", async () =>
        (await k.locationRows()).find((r) => r.username === "carol" && r.instance === `<urn:uuid:${ua.instanceId}>`), DB_WAIT);
      expect(row.contact).toMatch(transport === "TLS" ? /;transport=tls/i : /^sip:carol@127\.0\.0\.1:\d+/);
    } finally {
      await ua.stop();
    }
  });

  it(`${title}: a wrong password is refused (401/403) with the reason`, async ({ expect }) => {
    const k = servers[name];
    const ua = await startStack(k, "UDP", { user: "carol", credentials: { username: "carol", password: "wrong" } });
    try {
      const outcome = await ua.registration.start();
      expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/auth-failed|forbidden/) });
      expect([401, 403]).toContain((outcome as { status?: number }).status);
      expect(ua.registration.state).toBe("failed");
    } finally {
      await ua.stop();
    }
  });

  it(`${title}: credentials live in the subscriber table; a user added at run time (kamctl add) registers`, async ({ expect }) => {
    const k = servers[name];
    const subs = await k.rows("SELECT username, domain, password FROM subscriber ORDER BY username");
    expect(subs.map((s) => s.username)).toEqual(expect.arrayContaining(USERS));
    expect(subs.find((s) => s.username === "carol")).toMatchObject({ domain: k.domain, password: k.users.carol!.password });
    const user = `frank${name}`;
    await k.addUser(user);
    expect((await k.rows(`SELECT username FROM subscriber WHERE username = '${user}'`)).length).toBe(1);
    const ua = await startStack(k, "UDP", { user });
    try {
      expect(await ua.registration.start()).toMatchObject({ ok: true });
    } finally {
      await ua.stop();
    }
  });
});

describe("the stock script's shape", () => {
  // test-world.md §9: the stock script relays after loose_route() without a location lookup, so with GRUUs
  // on it cannot deliver a request inside a dialog whose Request-URI is a GRUU. What our core must live with.
  it("stock-gruu answers a loose-routed BYE whose Request-URI is a pub-gruu with 478", async () => {
    const k = servers.g1;
    const ua = await startStack(k, "UDP", { user: "carol" });
    try {
      expect(await ua.registration.start()).toMatchObject({ ok: true });
      const gruu = ua.registration.gruu!;
      const id = randomUUID();
      const bye =
        `BYE ${gruu} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${id};rport\r\nRoute: <sip:${k.host}:${k.ports.udp};lr>\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:bob@${k.domain}>;tag=b-${id}\r\nTo: <sip:carol@${k.domain}>;tag=c-${id}\r\n` +
        `Call-ID: shape-${id}\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n`;
      const replies = await udpExchange(k.ports.udp, [bye], (rs) => rs.some((r) => /^SIP\/2\.0 [2-6]\d\d /.test(r)), T);
      expect(replies.find((r) => !r.startsWith("SIP/2.0 1"))!.split("\r\n")[0]).toMatch(/^SIP\/2\.0 478 /);
      expect(ua.requests.some((r) => r.method === "BYE")).toBe(false);
    } finally {
      await ua.stop();
    }
  });
});

/** hold() or resume(); when false, the core's reason (e.g. a 478 from the proxy) goes into the failure. */
async function update(call: SipCall, op: "hold" | "resume", why: () => string): Promise<void> {
  const ok = await call[op]();
  expect(ok, `${op}: ${JSON.stringify(call.lastUpdateFailure)} ${why()}`).toBe(true);
}

/** `holder` puts the call on hold and resumes it; `other` sees both (RFC 3264 §8.4). */
async function holdAndResume(holder: SipCall, other: SipCall, why: () => string): Promise<void> {
  await update(holder, "hold", why);
  await until("the peer to see the hold", () => other.holdState.remote, { timeoutMs: T });
  await update(holder, "resume", why);
  await until("the peer to see the resume", () => !other.holdState.remote, { timeoutMs: T });
}

const callCases = both.flatMap(([name, title]) =>
  (["alice", "bob"] as const).flatMap((caller) =>
    (["caller", "callee"] as const).map((byeBy) => ({ name, title, caller, callee: caller === "alice" ? "bob" : "alice", byeBy }))));

describe("calls between two of our UAs through stock Kamailio", () => {
  it.each(callCases)("$title: $caller calls $callee, hold/resume both ways, BYE by the $byeBy", async ({ name, caller, callee, byeBy }) => {
    const k = servers[name];
    const a = await agent(k, caller, 440);
    const b = await agent(k, callee, 880);
    const why = () => `${caller}: ${a.warnings()}\n${callee}: ${b.warnings()}`;
    try {
      const incoming = nextIncoming(b.ua, T);
      const out = a.ua.call(`sip:${callee}@${k.domain}`);
      const inc = await incoming;
      expect(await inc.answer()).toBe(true);
      // Established on both sides: the callee only once our ACK reached it.
      await Promise.all([reach(out, "established", T), reach(inc, "established", T)]).catch((err: Error) => {
        throw new Error(`${err.message}\n${why()}`);
      });
      await holdAndResume(out, inc, why);
      await holdAndResume(inc, out, why);
      const [ender, other] = byeBy === "caller" ? [out, inc] : [inc, out];
      ender.hangup();
      await Promise.all([reach(ender, "ended", T), reach(other, "ended", T)]);
      expect(ender.outcome, why()).toEqual({ reason: "hangup", by: "local" });
      expect(other.outcome, why()).toEqual({ reason: "hangup", by: "remote" });
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

/** What our side heard, written as a WAV and measured by sox like baresip's recordings. */
async function weHeard(a: Agent, file: string): Promise<number> {
  await until("60 RTP packets from baresip", () => (a.medias[0]?.session?.received ?? 0) >= 60, { timeoutMs: T });
  const samples = a.medias[0]!.sink.samples();
  writeFileSync(file, serializeWav(samples.subarray(Math.max(0, samples.length - 8000)), 8000));
  return (await audioStat(file)).frequency;
}

async function phone(k: StockKamailio, user: string): Promise<Baresip> {
  const source = await makeTone(join(tones, `${user}-1000.wav`), 1000, { seconds: 30 });
  return startBaresip(k, user, { source, answer: "auto", label: `stock-baresip-${user}` });
}

describe("baresip through stock-gruu (gruu_enabled 1)", () => {
  let dave: Baresip;
  let erin: Baresip;
  beforeAll(async () => {
    [dave, erin] = await phones;
    // registered() reads the location table, which usrloc writes on its timer.
    await Promise.all([dave.registered(DB_WAIT.timeoutMs), erin.registered(DB_WAIT.timeoutMs)]);
  }, 2 * DB_WAIT.timeoutMs);

  it("we call baresip: tones both ways, we hang up", async () => {
    const k = servers.g1;
    const a = await agent(k, "alice", 440);
    try {
      const before = dave.recordings().dec;
      const call = a.ua.call(`sip:dave@${k.domain}`);
      await reach(call, "established", T);
      await dave.waitEvent((e) => e.type === "CALL_ESTABLISHED", "dave established", T);
      expect(Math.abs((await weHeard(a, join(tones, "alice-from-dave.wav"))) - 1000)).toBeLessThan(50);
      call.hangup();
      await reach(call, "ended", T);
      await dave.waitEvent((e) => e.type === "CALL_CLOSED", "dave closed", T);
      expect(call.outcome, a.warnings()).toEqual({ reason: "hangup", by: "local" });
      expect(Math.abs((await phoneHeard(dave, before)) - 440)).toBeLessThan(50);
    } finally {
      await a.stop();
    }
  });

  it("baresip calls us: we answer, tones both ways, baresip hangs up", async () => {
    const k = servers.g1;
    const a = await agent(k, "alice", 440);
    try {
      const before = dave.recordings().dec;
      const closedBefore = dave.events.filter((e) => e.type === "CALL_CLOSED").length;
      const incoming = nextIncoming(a.ua, T);
      await dave.command("dial", `sip:alice@${k.domain}`);
      const call = await incoming;
      expect(await call.answer()).toBe(true);
      await reach(call, "established", T).catch((err: Error) => {
        throw new Error(`${err.message}\n${a.warnings()}`);
      });
      expect(Math.abs((await weHeard(a, join(tones, "alice-from-dave-in.wav"))) - 1000)).toBeLessThan(50);
      await dave.command("hangup");
      await reach(call, "ended", T);
      expect(call.outcome, a.warnings()).toEqual({ reason: "hangup", by: "remote" });
      await until("dave's call closed", () => dave.events.filter((e) => e.type === "CALL_CLOSED").length > closedBefore, { timeoutMs: T });
      expect(Math.abs((await phoneHeard(dave, before)) - 440)).toBeLessThan(50);
    } finally {
      await a.stop();
    }
  });

  it("blind transfer: we transfer dave to erin (REFER, NOTIFY), our call ends as transferred", async () => {
    const k = servers.g1;
    const a = await agent(k, "alice", 440);
    try {
      const established = erin.events.filter((e) => e.type === "CALL_ESTABLISHED").length;
      const call = a.ua.call(`sip:dave@${k.domain}`);
      await reach(call, "established", T);
      const progress: number[] = [];
      call.events.on("transfer", (p) => progress.push(p.status));
      expect(await call.transfer(`sip:erin@${k.domain}`)).toEqual({ accepted: true });
      await until("erin established with dave", () => erin.events.filter((e) => e.type === "CALL_ESTABLISHED").length > established, { timeoutMs: T });
      await reach(call, "ended", T).catch((err: Error) => {
        throw new Error(`${err.message}\n${a.warnings()}`);
      });
      expect(call.outcome, a.warnings()).toEqual({ reason: "transferred" });
      expect(progress.at(-1)).toBe(200);
      await dave.command("hangup");
    } finally {
      await a.stop();
    }
  });
});
