// Glue for the start-up failure world tests (protocol.md D34): a daemon's
// config changed from daemon-kit's good one, its accounts as GET /status shows
// them, and a loopback port that forwards to a real server once opened.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { LOOPBACK, until, type Kamailio, type Prosody } from "../index.js";
import { daemonStatus, writeConfig } from "./daemon-kit.js";

export type AccountView = { state: string; problem: { key: string; message: string } | null; retryAt: string | null };
export type Status = {
  sip: { registration: string; account: AccountView };
  xmpp: { state: string; jid: string | null; account: AccountView };
};

type Config = Record<string, Record<string, unknown>> & { ca?: string[] };

/** daemon-kit's config for `user`, then `change` applied to its JSON. */
export function configWith(dir: string, user: string, prosody: Prosody, kamailio: Kamailio, change: (c: Config) => void): { config: string; dataDir: string } {
  const paths = writeConfig(dir, user, prosody, kamailio);
  const c = JSON.parse(readFileSync(paths.config, "utf8")) as Config;
  change(c);
  writeFileSync(paths.config, JSON.stringify(c, null, 2));
  return paths;
}

/** Polls GET /status until `test` holds for it; returns that status. */
export function statusUntil(dataDir: string, what: string, test: (s: Status) => boolean, timeoutMs = 60_000): Promise<Status> {
  return until(what, async () => {
    const s = await daemonStatus<Status>(dataDir);
    return s && test(s) ? s : undefined;
  }, { timeoutMs, intervalMs: 200 });
}

/** The daemon's JSON log lines whose message contains `text`. */
export function logLines(log: string, text: string): string[] {
  return log.split("\n").filter((l) => l.includes(text));
}

/**
 * A port on loopback that nothing listens on until open(); then each
 * connection is piped to `target` (a real server), byte for byte.
 */
export function laterPort(port: number, target: number): { open(): Promise<void>; stop(): Promise<void> } {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    open: () => new Promise((resolve, reject) => {
      server = createServer((client) => {
        const upstream = createConnection({ host: LOOPBACK, port: target });
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.once("error", reject);
      server.listen(port, LOOPBACK, () => resolve());
    }),
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
    }),
  };
}
