// Two daemons (alice, bob) as child processes against one Prosody and one
// Kamailio, driven only through the `cusax` command line with --json:
// status, subscription, chat both ways, a call from the chat (WAV audio
// checked in the other side's recording) answered and hung up, history with
// the call inside the conversation, search, the API's refusals, and a
// graceful stop. The steps share one world and run in order.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { audioStat, makeTone, makeWorldDir, removeWorldDir, startKamailio, startProsody, until, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { cli, cliLive, ok, startDaemon, writeConfig, type Daemon } from "./daemon-kit.js";

type Status = { sip: { registration: string; gruu: string | null }; xmpp: { state: string; jid: string | null } };
type Contact = { jids: string[]; sip: string[]; subscription?: string; sipState?: string };
type CallView = { id: string; direction: string; state: string; recording: string; hold: { local: boolean; remote: boolean } };
type Item = { kind: string; conversationId?: number; body?: string; outcome?: string; direction: string };

const track = useCleanup();
const poll = { timeoutMs: 30_000, intervalMs: 200 };
const calls = async (d: Daemon) => (await ok<{ calls: CallView[] }>(d.dataDir, ["calls"])).calls;
const history = (d: Daemon, who: string, ...more: string[]) => ok<{ items: Item[]; matches?: Item[] }>(d.dataDir, ["history", who, ...more]);

let prosody: Prosody;
let kamailio: Kamailio;
let dir: string;
let alice: Daemon;
let bob: Daemon;
let aliceJid: string;
let bobJid: string;

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  kamailio = track(await startKamailio({ users: ["alice", "bob"] }));
  dir = makeWorldDir("daemons");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  alice = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio)));
  bob = track(await startDaemon("bob", writeConfig(dir, "bob", prosody, kamailio)));
  aliceJid = prosody.users.alice!.jid;
  bobJid = prosody.users.bob!.jid;
});

describe("two cusax daemons driven through the CLI", () => {
  it("shows both accounts up on both sides, with private API files", async () => {
    for (const d of [alice, bob]) {
      const s = await until(`${d.user} registered and online`, async () => {
        const r = await cli(d.dataDir, ["status", "--json"]);
        return r.code === 0 ? (r.json as Status) : undefined;
      }, poll);
      expect(s.sip.gruu).toMatch(/^sip:.*gr=/);
      expect(s.xmpp.jid).toContain(`${d.user}@${prosody.domain}/`);
      expect(statSync(join(d.dataDir, "api-token")).mode & 0o777).toBe(0o600);
      // The API listens on loopback only.
      expect(readFileSync(join(d.dataDir, "api-url"), "utf8").trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  it("subscribes both ways with `cusax add`; each sees the other callable", async () => {
    await ok(alice.dataDir, ["add", bobJid]);
    await until("bob sees alice asking", async () =>
      (await ok<{ subscriptionRequests: string[] }>(bob.dataDir, ["contacts"])).subscriptionRequests.includes(aliceJid), poll);
    expect(await ok(bob.dataDir, ["add", aliceJid])).toMatchObject({ approved: true });
    for (const [d, other] of [[alice, bobJid], [bob, aliceJid]] as const) {
      await until(`${d.user} sees ${other} subscribed both ways and callable`, async () => {
        const { contacts } = await ok<{ contacts: Contact[] }>(d.dataDir, ["contacts"]);
        const c = contacts.find((x) => x.jids.includes(other));
        return c?.subscription === "both" && c.sipState === "callable";
      }, poll);
    }
  });

  it("chats both ways (by name and by JID), seen through `cusax tail`", async () => {
    const tail = cliLive(bob.dataDir, ["tail", "--type", "message", "--count", "1", "--json"]);
    await until("bob's tail following", () => tail.stderr().includes("following"), poll);
    await ok(alice.dataDir, ["send", "bob", "hello", "bob"]);
    const event = (await tail.done).json as { type: string; message: Item };
    expect(event).toMatchObject({ type: "message", message: { direction: "in", body: "hello bob" } });
    await ok(bob.dataDir, ["send", aliceJid, "hi alice, lunch at noon?"]);
    await until("alice has bob's answer", async () =>
      (await history(alice, "bob")).items.some((i) => i.kind === "message" && i.direction === "in" && i.body === "hi alice, lunch at noon?"), poll);
  });

  it("calls from the chat with a WAV file; bob answers and records it; hold, resume, DTMF, hang-up", async () => {
    const tone = await makeTone(join(dir, "tone-440.wav"), 440, { seconds: 10 });
    const ringing = cliLive(bob.dataDir, ["tail", "--type", "incomingCall", "--count", "1", "--json"]);
    await until("bob's tail following", () => ringing.stderr().includes("following"), poll);
    const placed = await ok<{ conversationId: number; call: CallView }>(alice.dataDir, ["call", "bob", "--play", tone]);
    expect(placed.conversationId).toBeGreaterThan(0);
    // protocol.md §5: bob's side ties the call to his conversation with alice.
    const incoming = (await ringing.done).json as { conversationId?: number; call: CallView };
    expect(incoming.call).toMatchObject({ id: placed.call.id, direction: "incoming" });
    expect(incoming.conversationId).toBeGreaterThan(0);

    await ok(bob.dataDir, ["answer"]);
    const bobCall = await until("bob's call established", async () => (await calls(bob)).find((c) => c.state === "established"), poll);
    await until("alice's call established", async () => (await calls(alice)).some((c) => c.id === placed.call.id && c.state === "established"), poll);
    // Two seconds of 8 kHz 16-bit audio reach bob's recording.
    await until("audio reaches bob's recording", () => existsSync(bobCall.recording) && statSync(bobCall.recording).size > 44 + 2 * 16_000, poll);

    // RFC 3264 §8.4 hold and resume, as bob sees them; RFC 4733 digits.
    expect(await ok(alice.dataDir, ["hold"])).toMatchObject({ held: true });
    await until("bob sees the call held", async () => (await calls(bob))[0]?.hold.remote === true, poll);
    expect(await ok(alice.dataDir, ["resume"])).toMatchObject({ resumed: true });
    await until("bob sees the call resumed", async () => (await calls(bob))[0]?.hold.remote === false, poll);
    expect(await ok(alice.dataDir, ["dtmf", "12#"])).toEqual({ sent: "12#" });

    await ok(alice.dataDir, ["hangup"]);
    for (const d of [alice, bob]) await until(`${d.user} has no call left`, async () => (await calls(d)).length === 0, poll);
    const heard = await until("bob's recording finalised", async () => {
      const s = await audioStat(bobCall.recording).catch(() => undefined);
      return s && s.seconds >= 2 ? s : undefined;
    }, poll);
    expect(heard.frequency).toBeGreaterThan(400);
    expect(heard.frequency).toBeLessThan(480);
  });

  it("keeps the call inside the conversation's history on both sides, and finds a message", async () => {
    for (const [d, other] of [[alice, bobJid], [bob, aliceJid]] as const) {
      const h = await until(`${d.user}'s history shows the answered call`, async () => {
        const r = await history(d, other);
        return r.items.some((i) => i.kind === "call" && i.outcome === "answered") ? r : undefined;
      }, poll);
      const call = h.items.find((i) => i.kind === "call")!;
      expect(h.items.filter((i) => i.kind === "message").map((m) => m.conversationId)).toContain(call.conversationId);
      expect(call.direction).toBe(d === alice ? "out" : "in");
    }
    const found = await history(alice, "bob", "--search", "lunch");
    expect(found.matches!.map((m) => m.body)).toEqual(["hi alice, lunch at noon?"]);
  });

  it("explains an unknown contact (exit 1) and a daemon that is not running (exit 3)", async () => {
    const unknown = await cli(alice.dataDir, ["send", "zelda", "hi", "--json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no contact matches "zelda"');
    const down = await cli(join(dir, "nowhere"), ["status"]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain("the cusax daemon is not running: start it with `cusax daemon`");
  });

  it("refuses an API request without the token, and answers a bad body with 400 and a reason", async () => {
    const url = readFileSync(join(alice.dataDir, "api-url"), "utf8").trim();
    const token = readFileSync(join(alice.dataDir, "api-token"), "utf8").trim();
    expect((await fetch(`${url}/status`)).status).toBe(401);
    const bad = await fetch(`${url}/messages`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: '{"to":"bob","text":5}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad-request", message: expect.stringMatching(/text/) } });
  });

  it("stops gracefully on SIGTERM: exit 0, API files gone, no password in the logs", async () => {
    for (const d of [alice, bob]) {
      await d.stop();
      expect(await d.exitCode()).toBe(0);
      expect(existsSync(join(d.dataDir, "api-url"))).toBe(false);
      expect(d.log()).not.toContain(prosody.users[d.user]!.password);
      expect(d.log()).not.toContain(kamailio.users[d.user]!.password);
    }
  });
});
