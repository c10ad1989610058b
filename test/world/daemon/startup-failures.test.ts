// World, protocol.md D34: the daemon's API comes up whatever the XMPP account
// does at start (wrong password, server unreachable, certificate not trusted);
// GET /status and `cusax status` name the config key to fix; an unreachable
// server is retried until it answers, a refused password is not retried.
// Real Prosody and Kamailio; the daemon as a child process.
import { describe, expect, it } from "vitest";
import { freePort, makeWorldDir, removeWorldDir, startKamailio, startProsody, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { configWith, laterPort, logLines, statusUntil } from "./account-kit.js";
import { cli, startDaemon } from "./daemon-kit.js";

const track = useCleanup();
const START = { startTimeoutMs: 120_000, accounts: "any" as const };

let world: Promise<{ prosody: Prosody; kamailio: Kamailio; dir: string }> | undefined;
function servers() {
  world ??= (async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob", "carol"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob", "carol"], label: "startup-failures" }));
    const dir = makeWorldDir("startup-failures");
    track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
    return { prosody, kamailio, dir };
  })();
  return world;
}

describe("XMPP failures at start (D34)", () => {
  it("a wrong password: the API answers, xmpp.password is named, failed, tried once; SIP comes up regardless", async () => {
    const { prosody, kamailio, dir } = await servers();
    const paths = configWith(dir, "alice", prosody, kamailio, (c) => (c.xmpp!.password = "not-the-password"));
    const logins = () => logLines(prosody.log(), "Client connected").length;
    const before = logins();
    const daemon = track(await startDaemon("alice", paths, START));
    const s = await statusUntil(paths.dataDir, "XMPP failed", (x) => x.xmpp.account.state === "failed");
    expect(s.xmpp.account).toEqual({ state: "failed", problem: { key: "xmpp.password", message: "the server refused the password (SASL not-authorized)" }, retryAt: null });
    await statusUntil(paths.dataDir, "SIP registered without XMPP", (x) => x.sip.account.state === "online" && x.sip.registration === "registered");
    const shown = await cli(paths.dataDir, ["status"]);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain("XMPP: failed — xmpp.password: the server refused the password (SASL not-authorized)");
    // Seconds later (two CLI runs), still one login attempt: no retry loop.
    expect((await cli(paths.dataDir, ["status", "--json"])).code).toBe(1);
    expect(logins() - before).toBe(1);
    expect(logLines(daemon.log(), '"msg":"xmpp account failed"')).toHaveLength(1);
    expect(daemon.log()).not.toContain("not-the-password");
    await daemon.stop();
    expect(await daemon.exitCode()).toBe(0);
  });

  it("a server that does not answer yet: retrying with xmpp.service and the next attempt, then online once it listens", async () => {
    const { prosody, kamailio, dir } = await servers();
    const port = await freePort();
    const later = track(laterPort(port, prosody.ports.c2s));
    const paths = configWith(dir, "bob", prosody, kamailio, (c) => (c.xmpp!.service = `xmpp://127.0.0.1:${port}`));
    const daemon = track(await startDaemon("bob", paths, START));
    const s = await statusUntil(paths.dataDir, "XMPP retrying", (x) => x.xmpp.account.state === "retrying" && x.xmpp.account.retryAt !== null);
    expect(s.xmpp.account.problem).toMatchObject({ key: "xmpp.service", message: expect.stringMatching(/^cannot reach the server \(.*ECONNREFUSED.*\) \(retrying in \d+ s\)$/) });
    expect(Date.parse(s.xmpp.account.retryAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(logLines(daemon.log(), '"msg":"xmpp account retrying"').length).toBeGreaterThanOrEqual(1);
    await later.open();
    const up = await statusUntil(paths.dataDir, "XMPP online through the opened port", (x) => x.xmpp.account.state === "online", 90_000);
    expect(up.xmpp).toMatchObject({ state: "online", jid: expect.stringMatching(/^bob@/), account: { problem: null, retryAt: null } });
    expect(logLines(daemon.log(), '"msg":"xmpp account online"')).toHaveLength(1);
    await daemon.stop();
  });

  it("a certificate we do not trust: failed naming ca, with the TLS verification code; SIP unaffected", async () => {
    const { prosody, kamailio, dir } = await servers();
    const paths = configWith(dir, "carol", prosody, kamailio, (c) => (c.ca = []));
    const daemon = track(await startDaemon("carol", paths, START));
    const s = await statusUntil(paths.dataDir, "XMPP failed on the certificate", (x) => x.xmpp.account.state === "failed");
    expect(s.xmpp.account.problem).toMatchObject({
      key: "ca", message: expect.stringMatching(/^the XMPP server's certificate is not trusted \([A-Z_]{8,}\) — add its CA to "ca" \(trying again in \d+ s\)$/),
    });
    // D34: tried again on the slow schedule (5-10 minutes), not in a loop.
    const inMs = Date.parse(s.xmpp.account.retryAt!) - Date.now();
    expect(inMs).toBeGreaterThan(240_000);
    expect(inMs).toBeLessThanOrEqual(600_000);
    await statusUntil(paths.dataDir, "SIP registered", (x) => x.sip.account.state === "online");
    await daemon.stop();
  });
});
