// Glue for the web-side daemon world tests: plain node:http requests (so the
// Host header, raw paths with "..", and redirects stay as written), the
// sign-in link the daemon prints on stderr, and signing in with it.
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../index.js";
import type { Daemon } from "./daemon-kit.js";
import { parseSseChunk } from "../../../packages/daemon/src/cli/sse.js";

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => unknown };

export type RawRequest = { method?: string; path: string; headers?: Record<string, string>; body?: unknown };

/** One HTTP/1.1 request to `base` exactly as given (no redirects followed, no path normalisation). */
export function raw(base: string, r: RawRequest): Promise<RawAnswer> {
  const u = new URL(base);
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  const headers: Record<string, string> = { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...r.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname.replace(/^\[|\]$/g, ""), port: u.port, method: r.method ?? "GET", path: r.path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

export const apiUrl = (d: Daemon): string => readFileSync(join(d.dataDir, "api-url"), "utf8").trim();
export const apiToken = (d: Daemon): string => readFileSync(join(d.dataDir, "api-token"), "utf8").trim();

/** The one-time link the daemon printed at start (the plain stderr line for humans). */
export function printedLoginUrl(d: Daemon): Promise<string> {
  return until("the daemon to print its sign-in link", () => /^cusax: open the web app .*?(http:\/\/\S+\/login\?code=[A-Za-z0-9_-]+)$/m.exec(d.log())?.[1], { timeoutMs: 60_000, intervalMs: 100 });
}

/** Follows a sign-in link; the session cookie's value (throws unless the daemon answered 303 with it). */
export async function signIn(loginUrl: string): Promise<{ cookie: string; answer: RawAnswer }> {
  const u = new URL(loginUrl);
  const answer = await raw(u.origin, { path: u.pathname + u.search });
  const setCookie = ([] as string[]).concat(answer.headers["set-cookie"] ?? []);
  const value = /^cusax_session=([A-Za-z0-9_-]+);/.exec(setCookie[0] ?? "")?.[1];
  if (answer.status !== 303 || !value) throw new Error(`sign-in refused: ${answer.status} ${answer.text.slice(0, 200)}`);
  return { cookie: `cusax_session=${value}`, answer };
}

export type StreamedEvent = { id?: string; event: string; data: Record<string, unknown> };

/** Follows GET /events with the given headers, keeping every event (and counting `:hb` comments). */
export async function followEvents(base: string, headers: Record<string, string>): Promise<{ events: StreamedEvent[]; heartbeats: () => number; close: () => Promise<void> }> {
  const controller = new AbortController();
  const res = await fetch(`${base}/events`, { headers, signal: controller.signal });
  if (res.status !== 200) throw new Error(`GET /events answered ${res.status}`);
  const events: StreamedEvent[] = [];
  let heartbeats = 0;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const pump = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      const text = decoder.decode(value, { stream: true });
      buffer += text;
      heartbeats += (text.match(/^:hb$/gm) ?? []).length;
      const { frames, rest } = parseSseChunk(buffer);
      buffer = rest;
      for (const f of frames) events.push({ event: f.event, data: JSON.parse(f.data) as Record<string, unknown>, ...(f.id !== undefined ? { id: f.id } : {}) });
    }
  })();
  return {
    events,
    heartbeats: () => heartbeats,
    async close() {
      controller.abort();
      await pump;
    },
  };
}

/** Daemon start on a loaded machine (two cores, many engineers): a generous limit for writing api-url. */
export const SLOW_START = { startTimeoutMs: 120_000 };
