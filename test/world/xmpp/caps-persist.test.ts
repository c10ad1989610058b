// XEP-0115 §6.2 with the store: a caps `ver` learned by disco in one run is
// known in the next run (same SQLite file) without asking again.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startProsody, startSlixPeer, until, useCleanup, makeWorldDir, removeWorldDir } from "../index.js";
import { makeClient, next } from "./helpers.js";
import { SqliteStore } from "../../../packages/core/src/store/sqlite-store.js";
import { storeCapsCache } from "../../../packages/core/src/link/caps-store.js";

const track = useCleanup();

describe("caps cache persisted in the store", () => {
  it("queries a peer's caps once, across a restart of our client", async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob"] }));
    const dir = makeWorldDir("caps-store");
    track({ stop: async ({ keepDir = false } = {}) => removeWorldDir(dir, keepDir) });
    const bob = track(await startSlixPeer(prosody, "bob", { resource: "slix" }));
    const bobBare = `bob@${prosody.domain}`;
    // Queries that reached Prosody from a client, addressed to bob's resource
    // (Prosody logs every stanza it receives as "RECV: ...").
    const discoQueries = () =>
      prosody.log().split("\n").filter((l) => l.includes("RECV: <iq") && l.includes("type='get'") && l.includes(`to='${bob.jid}'`) && l.includes("disco#info")).length;

    const run = async () => {
      const store = new SqliteStore(join(dir, "cusax.db"));
      const alice = makeClient(prosody, "alice", { capsCache: storeCapsCache(store) });
      await alice.start();
      // Directed presence both ways makes each side see the other's caps. A
      // presence that reaches the server before it has processed alice's own
      // initial presence is not delivered (RFC 6121 §4.6), so bob says it
      // again until alice has seen his caps.
      const caps = next(alice, "caps", (c) => c.jid === bob.jid, 60_000);
      await alice.sendDirectedPresence(bobBare);
      let n = 0;
      const info = await until("bob's caps at alice", async () => {
        await bob.command({ cmd: "presence", to: `alice@${prosody.domain}`, status: `here ${++n}` });
        return Promise.race([caps.then((c) => c.info), new Promise<undefined>((r) => setTimeout(() => r(undefined), 2_000))]);
      }, { timeoutMs: 60_000 });
      await alice.stop();
      store.close();
      return info;
    };

    const first = await run();
    expect(first.features).toContain("http://jabber.org/protocol/disco#info");
    expect(discoQueries()).toBe(1);
    const second = await run();
    expect(second).toEqual(first);
    expect(discoQueries()).toBe(1);
  });
});
