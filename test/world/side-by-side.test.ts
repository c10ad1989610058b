// Two worlds run side by side and share nothing: different ports, different
// users and passwords, different data; a registration or account in one is
// unknown to the other.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeTone, makeWorldDir, removeWorldDir, startBaresip, startKamailio, startProsody, startSlixPeer, useCleanup } from "./index.js";

const track = useCleanup();

describe("two worlds side by side", () => {
  it("keeps servers, users and registrations apart", async () => {
    const [p1, p2] = await Promise.all([startProsody({ users: ["alice"] }), startProsody({ users: ["alice"] })]);
    const [k1, k2] = await Promise.all([startKamailio({ users: ["alice"] }), startKamailio({ users: ["alice"] })]);
    [p1, p2, k1, k2].forEach((s) => track(s!));
    const ports = [p1, p2].flatMap((p) => Object.values(p!.ports)).concat([k1, k2].flatMap((k) => [k!.ports.udp, k!.ports.tls, k!.ports.ws]));
    expect(new Set(ports).size).toBe(ports.length);
    expect(p1!.users.alice!.password).not.toBe(p2!.users.alice!.password);

    // alice of world 1 logs in to world 1 only.
    const ok = track(await startSlixPeer(p1!, "alice"));
    expect(ok.jid).toMatch(/^alice@/);
    const wrong = { ...p2!, users: { alice: { ...p2!.users.alice!, password: p1!.users.alice!.password } } };
    await expect(startSlixPeer(wrong, "alice", { resource: "wrong" })).rejects.toThrow(/authentication failed/);

    // A baresip registered in world 1 is not bound in world 2.
    const dir = makeWorldDir("tones");
    track({ stop: async () => removeWorldDir(dir, false) });
    const phone = track(await startBaresip(k1!, "alice", { source: await makeTone(join(dir, "t.wav"), 440, { seconds: 2 }) }));
    await phone.registered();
    expect(await k2!.registrations()).not.toContain("AoR: alice\n");
  });
});
