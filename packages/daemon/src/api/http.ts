// The API's HTTP side: node:http on loopback only. Every request passes the
// Host check (guard.ts) and carries the security headers; then it is the web
// app's files (web-static.ts), the sign-in link (GET /login), the event
// stream (GET /events, event-stream.ts) or a route of the Router (bodies
// read with a size cap).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError } from "./errors.js";
import { EventStreams, type ApiEvent } from "./event-stream.js";
import { allowedHostsFor, hostAllowed, SECURITY_HEADERS, SESSION_COOKIE } from "./guard.js";
import { loginRefusedPage } from "./pages.js";
import { MAX_BODY_BYTES, type ApiRequest, type Router } from "./router.js";
import type { SignIn } from "./sign-in.js";
import { isStaticPath, serveStatic } from "./web-static.js";

export type { ApiEvent } from "./event-stream.js";

export type ApiServer = {
  readonly url: string;
  /** Sends an event to every connected event stream. */
  publish(event: ApiEvent): void;
  /** A fresh one-time sign-in link for a browser (only with `web`). */
  loginUrl(): string;
  close(): Promise<void>;
};

/** Where each request is noted (method, path, status; never headers, query strings or bodies). */
export type RequestLog = (fields: { method: string; path: string; status: number }) => void;

export type WebOptions = { dir: string; signIn: SignIn; allowedHosts?: readonly string[] };

export type ApiServerOptions = {
  host: "127.0.0.1" | "::1";
  port: number;
  log?: RequestLog;
  /** A route's bug (answered 500 "internal"): the error goes to the daemon's log, never to the client. */
  onInternalError?: (err: unknown, where: { method: string; path: string }) => void;
  /** Serving the web app and browser sign-in; without it only the Bearer token works. */
  web?: WebOptions;
  /** Event stream heartbeat (default 15 s) and replay buffer size (default 500). */
  heartbeatMs?: number;
  replay?: number;
};

/** What a client may go on sending after its body was refused as too large, read and dropped so it sees the 413. */
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES;

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        // Answered 413 first (closing the connection under it would reset it before the answer is
        // read); the rest is read and dropped, and a sender that does not stop is cut off.
        if (!refused) reject(new ApiError("payload-too-large", `request body over ${MAX_BODY_BYTES} bytes`));
        refused = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT_BYTES) req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Uint8Array, head = false): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(head ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }, JSON.stringify(body));
}

/** A `.` or `..` path segment, raw or percent-encoded, anywhere in the path: refused for every route. */
export function hasDotSegment(rawPath: string): boolean {
  return rawPath.split("/").some((s) => {
    let d = s;
    try {
      d = decodeURIComponent(s);
    } catch {
      return false;
    }
    return d.split(/[/\\]/).some((part) => part === "." || part === "..");
  });
}

type Ctx = { router: Router; options: ApiServerOptions; streams: EventStreams; hosts: () => ReadonlySet<string> };

function login(res: ServerResponse, url: URL, signIn: SignIn): number {
  const code = url.searchParams.get("code");
  const outcome = code ? signIn.codes.redeem(code) : "missing";
  if (outcome !== "ok") {
    send(res, 403, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, loginRefusedPage(outcome));
    return 403;
  }
  const session = signIn.sessions.create();
  send(res, 303, { location: "/", "set-cookie": `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`, "cache-control": "no-store" }, "");
  return 303;
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<number> {
  const rawUrl = req.url ?? "/";
  const rawPath = rawUrl.split("?")[0] ?? "/";
  const method = req.method ?? "GET";
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
  if (!hostAllowed(headers.host, ctx.hosts())) {
    const err = new ApiError("forbidden-host", `this daemon answers only for ${[...ctx.hosts()].join(", ")} (Host was ${JSON.stringify(headers.host ?? null)})`);
    sendJson(res, err.status, err.toBody());
    return err.status;
  }
  if (hasDotSegment(rawPath)) throw new ApiError("bad-request", "path: no '.' or '..' segments");
  const url = new URL(rawUrl, "http://localhost");
  const web = ctx.options.web;
  const readOnly = method === "GET" || method === "HEAD";
  if (web && readOnly && isStaticPath(rawPath)) {
    const out = serveStatic(web.dir, rawPath, headers["if-none-match"]);
    send(res, out.status, out.headers, out.body, method === "HEAD");
    return out.status;
  }
  if (web && method === "GET" && url.pathname === "/login") return login(res, url, web.signIn);
  const body = await readBody(req);
  const apiReq: ApiRequest = { method, path: url.pathname, query: url.searchParams, headers, body };
  if (url.pathname === "/events" && method === "GET") {
    ctx.router.check(apiReq);
    ctx.streams.open(res, SECURITY_HEADERS, headers["last-event-id"]);
    return 200;
  }
  const out = await ctx.router.handle(apiReq);
  if (out.internal !== undefined) ctx.options.onInternalError?.(out.internal, { method, path: url.pathname });
  sendJson(res, out.status, out.body);
  return out.status;
}

export async function startApiServer(router: Router, options: ApiServerOptions): Promise<ApiServer> {
  const streams = new EventStreams({ ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}), ...(options.replay ? { replay: options.replay } : {}) });
  let hosts: ReadonlySet<string> = new Set();
  const ctx: Ctx = { router, options, streams, hosts: () => hosts };

  const server: Server = createServer(async (req, res) => {
    let status: number;
    try {
      status = await route(req, res, ctx);
    } catch (err) {
      const api = err instanceof ApiError ? err : new ApiError("bad-request", "could not read the request");
      if (!res.headersSent) sendJson(res, api.status, api.toBody());
      status = api.status;
    }
    options.log?.({ method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0] ?? "/", status });
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host, port: options.port }, resolve);
  });
  const addr = server.address() as AddressInfo;
  hosts = allowedHostsFor(addr.port, options.web?.allowedHosts);
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;

  return {
    url,
    publish: (event) => streams.publish(event),
    loginUrl() {
      if (!options.web) throw new Error("the API server was started without the web app");
      return `${url}/login?code=${options.web.signIn.codes.issue()}`;
    },
    async close() {
      streams.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
