// The web app's routes over real HTTP, on two daemons (alice, bob) against
// real Prosody + Kamailio, driven by the CLI where it has a command: our
// presence reaches the server and comes back after a restart; a subscription
// request survives bob's restart and is approved, a later one denied;
// rename and removal go through the roster with `contact` events; history
// pages back with `next`; search finds messages across timelines; a ringing
// call is declined with 603; a running call has RTP statistics; SSE events
// carry ids and Last-Event-ID replays what was missed.
import { beforeAll, describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { cli, ok, startDaemon, writeConfig, type Daemon } from "./daemon-kit.js";
import { apiToken, apiUrl, followEvents, raw, SLOW_START } from "./web-kit.js";

type Contact = { name?: string; jids: string[]; subscription?: string };
type CallView = { id: string; direction: string; state: string; kind: string; outcome?: { reason?: string; status?: number } };
type Page = { items: { kind: string; id: number; at: number; body?: string }[]; next: string | null };

const track = useCleanup();
const poll = { timeoutMs: 60_000, intervalMs: 200 };

let prosody: Prosody;
let kamailio: Kamailio;
let dir: string;
let alice: Daemon;
let bob: Daemon;
let aliceJid: string;
let bobJid: string;
let bobPaths: { config: string; dataDir: string };

/** An API request with the daemon's Bearer token. */
async function api<T = Record<string, unknown>>(d: Daemon, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await raw(apiUrl(d), { method, path, headers: { authorization: `Bearer ${apiToken(d)}` }, ...(body !== undefined ? { body } : {}) });
  return { status: r.status, json: r.json() as T };
}
const contactsOf = async (d: Daemon) => (await ok<{ contacts: Contact[]; subscriptionRequests: string[] }>(d.dataDir, ["contacts"]));
const callsOf = async (d: Daemon) => (await ok<{ calls: CallView[] }>(d.dataDir, ["calls"])).calls;
const up = (d: Daemon) => until(`${d.user} registered and online`, async () => (await cli(d.dataDir, ["status"])).code === 0, poll);

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
  dir = makeWorldDir("ui-routes");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  alice = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio), SLOW_START));
  bobPaths = writeConfig(dir, "bob", prosody, kamailio);
  bob = await startDaemon("bob", bobPaths, SLOW_START);
  track({ stop: () => bob.stop() });
  aliceJid = prosody.users.alice!.jid;
  bobJid = prosody.users.bob!.jid;
  // Starting two servers and two daemons on a loaded machine can take a while.
}, 300_000);

describe("the web app's routes on two daemons", { timeout: 240_000 }, () => {
  it("has both daemons up", async () => {
    await up(alice);
    await up(bob);
  });

  it("sets our presence: sent to the server, in /status, as an event with an id", async () => {
    const events = await followEvents(apiUrl(alice), { authorization: `Bearer ${apiToken(alice)}` });
    expect(await ok(alice.dataDir, ["presence", "away", "at", "the", "lunch", "place"])).toEqual({ presence: { show: "away", status: "at the lunch place" } });
    await until("alice's presence at Prosody", () => prosody.log().split("\n").some((l) => l.includes("RECV: <presence") && l.includes("<show>away</show>") && l.includes("at the lunch place")), poll);
    // Our own presence events carry no jid (a contact's do).
    const ev = await until("the presence event", () => events.events.find((e) => e.event === "presence" && !("jid" in e.data)), poll);
    expect(ev.data).toEqual({ type: "presence", show: "away", status: "at the lunch place" });
    expect(ev.id).toMatch(/^\d+$/);
    await events.close();
    const s = (await api<{ presence: unknown; self: unknown }>(alice, "GET", "/status")).json;
    expect(s.presence).toEqual({ show: "away", status: "at the lunch place" });
    expect(s.self).toEqual({ jid: aliceJid, aor: kamailio.users.alice!.aor });
    expect((await cli(alice.dataDir, ["presence", "busy"])).code).toBe(2);
  });

  it("keeps a waiting subscription request and the chosen presence across bob's restart, then approves the request", async () => {
    await ok(alice.dataDir, ["add", bobJid]);
    await until("bob sees alice asking", async () => (await api<{ requests: { jid: string; at: number }[] }>(bob, "GET", "/subscriptions")).json.requests.some((r) => r.jid === aliceJid), poll);
    await ok(bob.dataDir, ["presence", "dnd", "back soon"]);
    const sent = () => prosody.log().split("\n").filter((l) => l.includes("RECV: <presence") && l.includes("<show>dnd</show>") && l.includes("back soon")).length;
    const before = await until("bob's dnd at Prosody", () => sent() || undefined, poll);
    await bob.stop();
    bob = await startDaemon("bob", bobPaths, SLOW_START);
    await up(bob);
    await until("bob's dnd sent again after the restart", () => sent() > before, poll);
    expect((await api<{ presence: unknown }>(bob, "GET", "/status")).json.presence).toEqual({ show: "dnd", status: "back soon" });
    const { requests } = (await api<{ requests: { jid: string; at: number }[] }>(bob, "GET", "/subscriptions")).json;
    expect(requests.map((r) => r.jid)).toEqual([aliceJid]);
    expect(requests[0]!.at).toBeGreaterThan(0);
    expect((await contactsOf(bob)).subscriptionRequests).toEqual([aliceJid]);
    expect(await ok(bob.dataDir, ["approve", aliceJid])).toEqual({ approved: true });
    await until("alice subscribed to bob", async () => (await contactsOf(alice)).contacts.find((c) => c.jids.includes(bobJid))?.subscription === "to", poll);
    expect((await api(bob, "GET", "/subscriptions")).json).toEqual({ requests: [] });
    expect((await cli(bob.dataDir, ["approve", aliceJid])).code).toBe(1);
  });

  it("renames and removes a contact through the roster, with contact events", async () => {
    const events = await followEvents(apiUrl(alice), { authorization: `Bearer ${apiToken(alice)}` });
    const renamed = await ok<{ contact: Contact }>(alice.dataDir, ["rename", bobJid, "Robert", "B."]);
    expect(renamed.contact).toMatchObject({ name: "Robert B.", jids: [bobJid] });
    await until("the roster push with the new name", () => events.events.some((e) => e.event === "contact" && (e.data.contact as Contact | undefined)?.name === "Robert B."), poll);
    expect((await contactsOf(alice)).contacts.find((c) => c.jids.includes(bobJid))?.name).toBe("Robert B.");
    const fromBob = async () => (await contactsOf(bob)).contacts.find((x) => x.jids.includes(aliceJid))?.subscription;
    await until("bob lets alice see his presence", async () => (await fromBob()) === "from", poll);
    expect(await ok(alice.dataDir, ["remove", bobJid])).toEqual({ removed: true });
    const gone = await until("the roster push removing bob", () => events.events.find((e) => e.event === "contact" && e.data.removed === true), poll);
    expect(gone.data).toEqual({ type: "contact", jid: bobJid, removed: true });
    await events.close();
    // RFC 6121 §2.5.2: the server ended alice's subscription to bob's presence on bob's side too.
    await until("bob's subscription from alice ended", async () => (await fromBob()) !== "from", poll);
    expect((await cli(alice.dataDir, ["remove", bobJid])).code).toBe(1);
  });

  it("denies a new request", async () => {
    await ok(alice.dataDir, ["add", bobJid]);
    await until("bob sees alice asking again", async () => (await contactsOf(bob)).subscriptionRequests.includes(aliceJid), poll);
    expect(await ok(bob.dataDir, ["deny", aliceJid])).toEqual({ denied: true });
    await until("bob's refusal at Prosody", () => prosody.log().split("\n").some((l) => l.includes("RECV: <presence") && l.includes("type='unsubscribed'") && l.includes(`to='${aliceJid}`)), poll);
    expect((await contactsOf(bob)).subscriptionRequests).toEqual([]);
  });

  it("pages history back with next, and searches across timelines", async () => {
    const said = ["soup one", "soup two", "soup three", "soup four", "soup five"];
    for (const text of said) await ok(alice.dataDir, ["send", bobJid, text]);
    await until("bob has all five", async () => (await ok<Page>(bob.dataDir, ["history", aliceJid])).items.filter((i) => i.body?.startsWith("soup")).length === 5, poll);
    const bodies: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const q: URLSearchParams = new URLSearchParams({ contact: aliceJid, limit: "2", ...(next ? { before: next } : {}) });
      const page: Page = (await api<Page>(bob, "GET", `/history?${q}`)).json;
      bodies.unshift(...page.items.map((i) => i.body ?? i.kind));
      next = page.next;
      pages++;
    } while (next && pages < 10);
    expect(pages).toBe(3);
    expect(bodies).toEqual(said);
    const found = (await api<{ matches: { body: string; contactId: number }[] }>(bob, "GET", "/search?q=soup")).json.matches;
    expect(found.map((m) => m.body)).toEqual([...said].reverse());
    expect(new Set(found.map((m) => m.contactId)).size).toBe(1);
    expect((await api(bob, "GET", `/history?contact=${aliceJid}&before=garbage`)).status).toBe(400);
  });

  it("declines a ringing call with 603, and shows a running call's RTP statistics", async () => {
    const bobSip = `sip:bob@${kamailio.domain}`;
    const first = await ok<{ call: CallView }>(alice.dataDir, ["call", bobSip]);
    const ringing = await until("bob's phone ringing", async () => (await callsOf(bob)).find((c) => c.state === "ringing"), poll);
    expect(ringing.kind).toBe("audio");
    const declined = await api<{ call: CallView }>(bob, "POST", `/calls/${encodeURIComponent(ringing.id)}/reject`);
    expect(declined.status).toBe(201);
    await until("alice's call declined", async () => !(await callsOf(alice)).some((c) => c.id === first.call.id), poll);
    await until("the 603 on the wire", async () => (await kamailio.wireRecords()).some((r) => r.text.startsWith("SIP/2.0 603") && r.text.includes(first.call.id)), poll);

    const second = await ok<{ call: CallView }>(alice.dataDir, ["call", bobSip]);
    await until("bob's phone ringing again", async () => (await callsOf(bob)).some((c) => c.state === "ringing"), poll);
    await ok(bob.dataDir, ["answer"]);
    const id = encodeURIComponent(second.call.id);
    type Stats = { stats: { codec: string | null; kind: string; packetsSent: number; packetsReceived: number; jitterMs: number | null; mos: number | null; streams: unknown[] } };
    const stats = await until("RTP both ways in alice's statistics", async () => {
      const s = (await api<Stats>(alice, "GET", `/calls/${id}/stats`)).json.stats;
      return s.packetsReceived > 20 && s.packetsSent > 20 && s.mos !== null ? s : undefined;
    }, poll);
    expect(stats.codec).toMatch(/^(opus|PCMU|PCMA)$/i);
    expect(stats.kind).toBe("audio");
    expect(stats.mos).toBeGreaterThan(3);
    expect(stats.streams.length).toBe(1);
    expect((await api(alice, "POST", `/calls/${id}/reject`)).status).toBe(409);
    await ok(alice.dataDir, ["hangup"]);
    for (const d of [alice, bob]) await until(`${d.user} has no call left`, async () => (await callsOf(d)).length === 0, poll);
    expect((await api(alice, "GET", `/calls/${id}/stats`)).status).toBe(404);
  });

  it("replays missed events after Last-Event-ID", async () => {
    const first = await followEvents(apiUrl(alice), { authorization: `Bearer ${apiToken(alice)}` });
    await ok(alice.dataDir, ["presence", "dnd"]);
    const seen = await until("the dnd event", () => first.events.find((e) => e.event === "presence" && !("jid" in e.data) && e.data.show === "dnd"), poll);
    await first.close();
    await ok(alice.dataDir, ["presence", "xa", "gone"]);
    await ok(alice.dataDir, ["presence", "available"]);
    const again = await followEvents(apiUrl(alice), { authorization: `Bearer ${apiToken(alice)}`, "last-event-id": seen.id! });
    const replayed = await until("the two missed presence events", () => {
      const p = again.events.filter((e) => e.event === "presence" && !("jid" in e.data));
      return p.length >= 2 ? p : undefined;
    }, poll);
    await again.close();
    expect(replayed.map((e) => e.data.show)).toEqual(["xa", "available"]);
    expect(Number(replayed[0]!.id)).toBeGreaterThan(Number(seen.id));
  });
});
