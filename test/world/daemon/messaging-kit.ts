// Glue for the daemon messaging world test: the daemon's HTTP API (as the web
// app uses it, with the Bearer token the CLI uses) and its SSE events.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { EventLog } from "../event-log.js";

export type ApiEvent = { type: string; [k: string]: unknown };
export type Api = {
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  events: EventLog<ApiEvent>;
  stop(): Promise<void>;
};

/** The API of a running daemon (its api-url and api-token files), with its event stream followed. */
export async function openApi(dataDir: string): Promise<Api> {
  const url = readFileSync(join(dataDir, "api-url"), "utf8").trim();
  const token = readFileSync(join(dataDir, "api-token"), "utf8").trim();
  const headers = { authorization: `Bearer ${token}` };
  const events = new EventLog<ApiEvent>("daemon events", () => undefined);
  let buffer = "";
  const sse = await new Promise<ReturnType<typeof request>>((resolve, reject) => {
    const req = request(`${url}/events`, { headers }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split("\n").find((l) => l.startsWith("data: "));
          if (data) events.push(JSON.parse(data.slice(6)) as ApiEvent);
        }
      });
      resolve(req);
    });
    req.on("error", reject);
    req.end();
  });
  return {
    events,
    async call<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${url}${path}`, {
        method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async stop() {
      sse.destroy();
    },
  };
}
