// Glue for the browser world tests: the web app built when its sources are
// newer than dist/, headless Debian Chromium through playwright-core (one
// browser with a fresh profile per page), sign-in links from the daemon
// (POST /login-codes with the Bearer token), and raw HTTP for the refusals.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CUSAX, type Daemon } from "../daemon/daemon-kit.js";
import { freePort, until } from "../index.js";

export const WEB = resolve(import.meta.dirname, "../../../packages/web");
export const SCREENSHOTS = resolve(import.meta.dirname, "../../../docs/screenshots");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds packages/web (vite build) when dist is missing or older than src, index.html or the config. */
export function ensureWebBuilt(): void {
  const stamp = join(WEB, "dist", "index.html");
  const sources = Math.max(newest(join(WEB, "src")), statSync(join(WEB, "index.html")).mtimeMs, statSync(join(WEB, "vite.config.ts")).mtimeMs);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, [resolve(WEB, "../../node_modules/vite/bin/vite.js"), "build"], { cwd: WEB, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`vite build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export type BrowserPage = { page: Page; context: BrowserContext; errors: string[]; stop(): Promise<void> };

/** Chromium's fake microphone (and camera) playing `wav` looped, permission granted, playback without a gesture (test-world.md §9). */
export const fakeMediaFlags = (wav: string): string[] => [
  "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-audio-capture=${wav}`, "--autoplay-policy=no-user-gesture-required",
];

/** One Chromium with its own fresh profile directory, and its only page; `fakeAudio`: a WAV its microphone plays. */
export async function openBrowser(profileDir: string, o: { width?: number; height?: number; dark?: boolean; fakeAudio?: string } = {}): Promise<BrowserPage> {
  mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(o.fakeAudio ? fakeMediaFlags(o.fakeAudio) : [])],
    viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
    colorScheme: o.dark ? "dark" : "light",
    locale: "en-GB",
    timezoneId: "UTC",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  // CSP violations and script errors show here: the page must have none.
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|ERR_CONNECTION_REFUSED|net::ERR|EventSource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { page, context, errors, stop: () => context.close() };
}

export function apiOf(dataDir: string): { url: string; token: string } {
  return {
    url: readFileSync(join(dataDir, "api-url"), "utf8").trim(),
    token: readFileSync(join(dataDir, "api-token"), "utf8").trim(),
  };
}

/** A fresh one-time sign-in link, as `cusax open` gets it. */
export async function loginUrl(dataDir: string): Promise<string> {
  const { url, token } = apiOf(dataDir);
  const r = await fetch(`${url}/login-codes`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (r.status !== 201 && r.status !== 200) throw new Error(`POST /login-codes: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { url: string }).url;
}

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** An HTTP request with exactly the headers given (fetch would not send a foreign Host). */
export function rawRequest(url: string, o: { method?: string; headers?: Record<string, string>; body?: string }): Promise<RawAnswer> {
  return new Promise((done, fail) => {
    const req = request(url, { method: o.method ?? "GET", headers: o.headers ?? {} }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", fail);
    if (o.body) req.write(o.body);
    req.end();
  });
}

/** The page's session cookie, for raw requests made as that browser. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const c = (await context.cookies()).find((x) => x.name === "cusax_session");
  if (!c) throw new Error("no cusax_session cookie in the browser");
  return `${c.name}=${c.value}`;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  return path;
}

/**
 * `cusax daemon --config` as a child process, like daemon-kit's startDaemon,
 * with a start-up wait sized for a loaded machine (a browser and two daemons
 * share two cores with other tests).
 */
export async function startDaemon(user: string, paths: { config: string; dataDir: string }, timeoutMs = 90_000): Promise<Daemon> {
  const child = spawn(process.execPath, [CUSAX, "daemon", "--config", paths.config, "--log-level", "info"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d: Buffer) => {
    log += d.toString();
    appendFileSync(`${paths.config}.log`, d);
  });
  let ended = false;
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => {
    ended = true;
    r(code);
  }));
  await until(`${user}'s daemon to write api-url`, () => {
    if (ended) throw new Error(`${user}'s daemon exited:\n${log}`);
    return existsSync(join(paths.dataDir, "api-url"));
  }, { timeoutMs, intervalMs: 100 });
  return {
    user, pid: child.pid!, ...paths, log: () => log, exitCode: () => exited,
    async stop() {
      if (!ended) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Gives the daemon's API a fixed port (`api.port`), as a person's config
 * would: the page's origin then stays the same across a daemon restart.
 */
export async function withFixedApiPort(paths: { config: string; dataDir: string }): Promise<{ config: string; dataDir: string; port: number }> {
  const port = await freePort();
  const config = JSON.parse(readFileSync(paths.config, "utf8")) as Record<string, unknown>;
  writeFileSync(paths.config, JSON.stringify({ ...config, api: { host: "127.0.0.1", port } }, null, 2));
  return { ...paths, port };
}
