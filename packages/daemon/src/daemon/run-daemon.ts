// `cusax daemon`: one long-lived process per person holding both accounts
// (protocol.md §2), with the HTTP API on loopback. Start order: config,
// store, client (its accounts launched, not awaited: D34), API, then the
// files the CLI finds it by; stop in reverse.
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createClient, createLogger, SqliteStore, type CusaxClient, type Logger, type SipCall } from "@cusax/core";
import { startApiServer, type ApiServer } from "../api/http.js";
import { Router } from "../api/router.js";
import { addSignInRoutes } from "../api/sign-in-routes.js";
import { createSignIn } from "../api/sign-in.js";
import { createTokenFile } from "../api/token.js";
import { webDistDir } from "../api/web-static.js";
import type { DaemonConfig } from "../config/config.js";
import { logAccountChanges } from "./account-view.js";
import { clientOptionsOf, mediaHooksOf, PlayChoice, recordingsDir } from "./client-options.js";
import { CallMediaBook } from "./call-media-book.js";
import { prepareDataDir, restrictDatabaseFiles } from "./data-dir-lock.js";
import type { RouteDeps } from "./deps.js";
import { publishClientEvents, type Publish } from "./events.js";
import { OwnPresence } from "./own-presence.js";
import { PendingSubscriptions } from "./pending-subscriptions.js";
import { addActionRoutes } from "./routes-act.js";
import { addReadRoutes } from "./routes-read.js";
import { addUiRoutes, type UiParts } from "./routes-ui.js";
import { addWebrtcRoutes } from "./routes-webrtc.js";
import { hangUpAll } from "./stop-calls.js";
import { publishUiEvents } from "./ui-events.js";

export type RunningDaemon = { url: string; loginUrl(): string; stop(): Promise<void> };

/** Where the line for humans goes (the sign-in link); default stderr. */
export type Say = (line: string) => void;
const stderrSay: Say = (line) => void process.stderr.write(line + "\n");

export function apiFiles(dataDir: string): { url: string; token: string } {
  return { url: join(dataDir, "api-url"), token: join(dataDir, "api-token") };
}

type Parts = { store: SqliteStore; client: CusaxClient; deps: RouteDeps; ui: UiParts; unpublish: () => void; setApi: (api: ApiServer) => void };

/** The store, the client, and its events wired to the (not yet started) API. */
function assemble(config: DaemonConfig, log: Logger): Parts {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(recordingsDir(config), { recursive: true, mode: 0o700 });
  const store = new SqliteStore(join(config.dataDir, "cusax.db"));
  restrictDatabaseFiles(join(config.dataDir, "cusax.db"));
  const play = new PlayChoice(config.media.play);
  const ca = config.ca.map((p) => readFileSync(p, "utf8"));
  const hooks = mediaHooksOf(config, play);
  const media = new CallMediaBook(hooks);
  const client: CusaxClient = createClient({ ...clientOptionsOf(config, store, hooks, ca), logger: log });
  let api: ApiServer | undefined;
  let watch: (call: SipCall) => void = () => undefined;
  const subscriptions = new PendingSubscriptions(store);
  const deps: RouteDeps = { client, store, play, recordings: recordingsDir(config), pendingSubscriptions: subscriptions, placed: (c) => watch(c) };
  const events = log.child("events");
  const publish: Publish = (e) => {
    // Which events, never what they say (message bodies stay out of the log).
    events.info(e.type, e.type === "call" || e.type === "incomingCall" ? { state: (e.call as { state?: string }).state } : undefined);
    api?.publish(e);
  };
  const wired = publishClientEvents(deps, publish);
  const offUi = publishUiEvents(deps, publish);
  watch = wired.watch;
  const ui: UiParts = { presence: new OwnPresence(store), subscriptions, media, publish };
  return { store, client, deps, ui, unpublish: () => (wired.off(), offUi()), setApi: (a) => (api = a) };
}

/** A new token, the routes, the server on loopback, and its URL for the CLI. */
async function serve(config: DaemonConfig, deps: RouteDeps, ui: UiParts, log: Logger): Promise<ApiServer> {
  const files = apiFiles(config.dataDir);
  const signIn = createSignIn();
  const router = new Router(createTokenFile(files.token), signIn.sessions);
  const started: { api?: ApiServer } = {};
  addSignInRoutes(router, () => started.api!.loginUrl());
  addReadRoutes(router, deps, { presence: () => ui.presence.get(), self: { jid: config.xmpp.jid.toLowerCase(), aor: config.sip.aor } });
  addActionRoutes(router, deps);
  addUiRoutes(router, deps, ui);
  addWebrtcRoutes(router, deps, ui.media, config.media.address ? { address: config.media.address } : {});
  const requests = log.child("api");
  const web = { dir: webDistDir(), signIn, ...(config.api.allowedHosts ? { allowedHosts: config.api.allowedHosts } : {}) };
  const api = await startApiServer(router, { host: config.api.host, port: config.api.port, web, log: (f) => requests.debug("request", f),
    onInternalError: (err, where) => requests.error("internal error answering a request", { ...where, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  });
  started.api = api;
  writeFileSync(files.url, api.url + "\n", { mode: 0o600 });
  log.info("API listening", { url: api.url });
  return api;
}

/** The sign-in link: on its own line for humans; the log says only where it is (the code is a secret). */
function announceWebApp(api: ApiServer, log: Logger, say: Say): void {
  log.info("web app", { url: `${api.url}/`, signIn: "a one-time link is on the next stderr line; `cusax open` prints a fresh one" });
  say(`cusax: open the web app (one-time link, valid 2 minutes): ${api.loginUrl()}`);
}

export async function startDaemon(config: DaemonConfig, log: Logger = createLogger({ scope: "daemon", level: config.log.level }), say: Say = stderrSay): Promise<RunningDaemon> {
  // One daemon per data directory; refused with the holder's PID (data-dir-lock.ts).
  const lock = prepareDataDir(config.dataDir);
  let parts: Parts;
  try {
    parts = assemble(config, log);
  } catch (err) {
    lock.release();
    throw err;
  }
  const { store, client, deps, ui, unpublish, setApi } = parts;
  let server: ApiServer;
  let offAccounts: () => void = () => undefined;
  try {
    // The presence chosen before the last stop comes back (sent when XMPP is up).
    if (ui.presence.saved) await ui.presence.apply(client);
    // DECISION(protocol.md D34): the API does not wait for the accounts; each retries on its own.
    offAccounts = logAccountChanges(client, log);
    client.launch();
    server = await serve(config, deps, ui, log);
    setApi(server);
    announceWebApp(server, log, say);
  } catch (err) {
    offAccounts();
    unpublish();
    await client.stop().catch(() => undefined);
    store.close();
    lock.release();
    throw err;
  }
  return {
    url: server.url,
    loginUrl: () => server.loginUrl(),
    async stop() {
      // Un-register and go unavailable first (client.stop), then the API and files.
      // Every call ends and its outcome is stored before the store closes (stop-calls.ts).
      await hangUpAll(client.sip.calls);
      await client.stop().catch((err: unknown) => log.warn("stopping the accounts failed", { error: String(err) }));
      offAccounts();
      unpublish();
      await server.close();
      const files = apiFiles(config.dataDir);
      rmSync(files.url, { force: true });
      rmSync(files.token, { force: true });
      store.close();
      lock.release();
      log.info("stopped");
    },
  };
}
