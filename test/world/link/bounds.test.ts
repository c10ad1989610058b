// World (issue 13 "bounded state", protocol.md D30, D31): a slixmpp contact
// subscribed to by the daemon sends presences with thousands of reach
// addresses: the links stored stay within the bound and GET /contacts stays
// small; a link the user removes (DELETE /links) is not re-learned from the
// next presence, and POST /links brings it back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, startSlixPeer, until, useCleanup, type Prosody, type SlixPeer } from "../index.js";
import { startDaemon, writeConfig } from "../daemon/daemon-kit.js";
import { openApi, type Api } from "../daemon/messaging-kit.js";

type Contact = { jids: string[]; sip: string[]; subscription?: string; links: { other: string; origin: string }[] };
const track = useCleanup();
const poll = { timeoutMs: 45_000, intervalMs: 250 };
let prosody: Prosody;
let api: Api;
let bob: SlixPeer;
let bobJid: string;

const contacts = async () => {
  const res = await api.call<{ contacts: Contact[] }>("GET", "/contacts");
  return { list: res.body.contacts, bytes: JSON.stringify(res.body).length };
};
const bobOf = async () => (await contacts()).list.find((c) => c.jids.includes(bobJid));

beforeAll(async () => {
  prosody = track(await startProsody({ users: ["alice", "bob"] }));
  const kamailio = track(await startKamailio({ users: ["alice"] }));
  const dir = makeWorldDir("link-bounds");
  track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
  const daemon = track(await startDaemon("alice", writeConfig(dir, "alice", prosody, kamailio)));
  api = await openApi(daemon.dataDir);
  bobJid = prosody.users.bob!.jid;
  bob = track(await startSlixPeer(prosody, "bob"));
  expect((await api.call("POST", "/contacts", { jid: bobJid })).status).toBe(201);
  await bob.waitEvent((e) => e.type === "presence" && e.ptype === "subscribe", "alice's subscription request");
  await bob.command({ cmd: "approve", to: prosody.users.alice!.jid });
  await until("alice sees bob's presence", async () => ["to", "both"].includes((await bobOf())?.subscription ?? ""), poll);
});

afterAll(async () => api?.stop());

describe("what one contact can make us keep", () => {
  it("presences with 1,500 reach addresses each (the peer script reads 64 KiB lines) leave at most 16 links and a small GET /contacts", async () => {
    for (let round = 0; round < 4; round++) {
      const reach = Array.from({ length: 1500 }, (_, i) => `sip:r${round}n${i}@x.test`);
      await bob.command({ cmd: "presence", status: `round ${round}`, reach });
    }
    // The last round's first addresses show that every presence was handled.
    await until("the last presence's reach learned or refused", async () => {
      await bob.command({ cmd: "presence", status: "marker", reach: ["sip:r3n0@x.test"] });
      return (await bobOf())!.links.length >= 8 ? true : undefined;
    }, poll);
    const c = (await bobOf())!;
    expect(c.links.length).toBeLessThanOrEqual(16);
    expect(c.links.map((l) => l.other)).toContain("sip:r0n0@x.test");
    expect(c.links.map((l) => l.other)).not.toContain("sip:r0n8@x.test"); // beyond the first 8 of a <reach/>
    expect((await contacts()).bytes).toBeLessThan(32 * 1024);
  });

  it("a removed link is not re-learned from the next presence; POST /links brings it back", async () => {
    const gone = "sip:r0n0@x.test";
    const q = new URLSearchParams({ jid: bobJid, sip: gone });
    const del = await api.call<{ removed: { other: string } }>("DELETE", `/links?${q}`);
    expect(del.status).toBe(200);
    expect(del.body.removed.other).toBe(gone);
    await api.events.wait((e) => e.type === "linkRemoved" && e.other === gone, "linkRemoved", 30_000);
    expect((await api.call("DELETE", `/links?${q}`)).status).toBe(404);
    await bob.command({ cmd: "presence", status: "again", reach: [gone, "sip:fresh@x.test"] });
    await bob.waitEvent((e) => e.type === "ack" && e.cmd === "presence", "presence sent");
    // A later presence is handled after this one (one stream, in order): its status shows it arrived.
    await until("the next presence handled", async () => {
      const r = await api.call<{ contacts: { jids: string[]; presence?: { status?: string } }[] }>("GET", "/contacts");
      return r.body.contacts.find((x) => x.jids.includes(bobJid))?.presence?.status === "again" ? true : undefined;
    }, poll);
    expect((await bobOf())!.links.map((l) => l.other)).not.toContain(gone);
    expect((await api.call("POST", "/links", { jid: bobJid, sip: gone })).status).toBe(201);
    expect((await bobOf())!.links.find((l) => l.other === gone)).toMatchObject({ origin: "reach" });
  });
});
