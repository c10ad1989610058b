// World, protocol.md D34: SIP registration failures as the daemon reports
// them: a proxy that does not answer does not hold the API back (sip.proxy,
// then registered once Kamailio is back), a wrong password is failed naming
// sip.password, and SIP over TLS with a certificate we do not trust names ca
// with the TLS verification code (it was only "transport-error").
import { describe, expect, it } from "vitest";
import { makeWorldDir, removeWorldDir, startKamailio, startProsody, useCleanup, type Kamailio, type Prosody } from "../index.js";
import { configWith, statusUntil } from "../daemon/account-kit.js";
import { daemonStatus, startDaemon } from "../daemon/daemon-kit.js";
import type { Status } from "../daemon/account-kit.js";

const track = useCleanup();
const START = { startTimeoutMs: 120_000, accounts: "any" as const };

let world: Promise<{ prosody: Prosody; kamailio: Kamailio; dir: string }> | undefined;
function servers() {
  world ??= (async () => {
    const prosody = track(await startProsody({ users: ["alice", "bob", "carol"] }));
    const kamailio = track(await startKamailio({ users: ["alice", "bob", "carol"], label: "sip-failures" }));
    const dir = makeWorldDir("sip-failures");
    track({ stop: async (o?: { keepDir?: boolean }) => removeWorldDir(dir, o?.keepDir ?? false) });
    return { prosody, kamailio, dir };
  })();
  return world;
}

describe("SIP registration failures in the daemon (D34)", () => {
  it("a proxy that does not answer: the API answers before SIP registers, sip.proxy is named, registered once Kamailio is back", async () => {
    const { prosody, kamailio, dir } = await servers();
    const paths = configWith(dir, "alice", prosody, kamailio, () => undefined);
    await kamailio.restart(async () => {
      const daemon = track(await startDaemon("alice", paths, START));
      // The first answer of the API comes while the first REGISTER is still unanswered (Timer F is 32 s).
      const first = await statusUntil(paths.dataDir, "the API's first answer", () => true);
      expect(first.sip.registration).toBe("registering");
      expect(first.sip.account).toEqual({ state: "connecting", problem: null, retryAt: null });
      const s = await statusUntil(paths.dataDir, "SIP retrying", (x) => x.sip.account.state === "retrying" && x.sip.account.retryAt !== null, 90_000);
      expect(s.sip.account.problem).toMatchObject({
        key: "sip.proxy", message: expect.stringMatching(new RegExp(`^no answer from 127\\.0\\.0\\.1:${kamailio.ports.udp} over udp \\(retrying in \\d+ s\\)$`)),
      });
      expect(s.xmpp.account.state).toBe("online");
      expect(daemon.log()).toMatch(/"msg":"sip account retrying".*"problem":"sip\.proxy: no answer from/);
    });
    const up = await statusUntil(paths.dataDir, "SIP registered after Kamailio came back", (x) => x.sip.registration === "registered", 150_000);
    expect(up.sip.account).toEqual({ state: "online", problem: null, retryAt: null });
  });

  it("a wrong password: failed naming sip.password, no retry scheduled", async () => {
    const { prosody, kamailio, dir } = await servers();
    const paths = configWith(dir, "bob", prosody, kamailio, (c) => (c.sip!.password = "not-the-password"));
    const daemon = track(await startDaemon("bob", paths, START));
    const s = await statusUntil(paths.dataDir, "SIP failed", (x) => x.sip.account.state === "failed");
    expect(s.sip.account).toEqual({ state: "failed", problem: { key: "sip.password", message: expect.stringMatching(/^the registrar refused our credentials \((401|403) [A-Za-z ]+\)$/) }, retryAt: null });
    expect(s.sip.registration).toBe("failed");
    await statusUntil(paths.dataDir, "XMPP online regardless", (x) => x.xmpp.account.state === "online");
    expect(daemon.log()).not.toContain("not-the-password");
  });

  it("TLS to a certificate we do not trust: failed naming ca, with the verification code, tried again only minutes later", async () => {
    const { prosody, kamailio, dir } = await servers();
    const paths = configWith(dir, "carol", prosody, kamailio, (c) => {
      c.sip!.proxy = `sip:127.0.0.1:${kamailio.ports.tls};transport=tls`;
      c.sip!.transport = "tls";
      c.ca = [prosody.caFile]; // Prosody's CA only, not Kamailio's
    });
    track(await startDaemon("carol", paths, START));
    const s = await statusUntil(paths.dataDir, "SIP failed on the certificate", (x) => x.sip.account.state === "failed");
    expect(s.sip.account.problem).toMatchObject({
      key: "ca", message: expect.stringMatching(/^the SIP server's certificate is not trusted \([A-Z_]{8,}\) — add its CA to "ca" \(trying again in \d+ s\)$/),
    });
    const inMs = Date.parse(s.sip.account.retryAt!) - Date.now();
    expect(inMs).toBeGreaterThan(240_000);
    expect(inMs).toBeLessThanOrEqual(600_000);
    expect((await daemonStatus<Status>(paths.dataDir))!.xmpp.account.state).not.toBe("failed");
  });
});
