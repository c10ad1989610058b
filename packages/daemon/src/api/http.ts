// The API's HTTP side: node:http on loopback only, bodies read with a size
// cap, every request through the Router, and a server-sent event stream
// (GET /events) for everything that happens.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError } from "./errors.js";
import { MAX_BODY_BYTES, type ApiRequest, type Router } from "./router.js";

export type ApiEvent = { type: string; [k: string]: unknown };

export type ApiServer = {
  readonly url: string;
  /** Sends an event to every connected event stream. */
  publish(event: ApiEvent): void;
  close(): Promise<void>;
};

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError("payload-too-large", `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

/** Where each request is noted (method, path, status; never headers or bodies). */
export type RequestLog = (fields: { method: string; path: string; status: number }) => void;

export async function startApiServer(router: Router, options: { host: "127.0.0.1" | "::1"; port: number; log?: RequestLog }): Promise<ApiServer> {
  const streams = new Set<ServerResponse>();
  let nextId = 1;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
    if (url.pathname === "/events" && req.method === "GET") {
      if (!router.authorized(headers)) return sendJson(res, 401, new ApiError("unauthorized", "missing or wrong API token").toBody());
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write(": cusax event stream\n\n");
      streams.add(res);
      req.on("close", () => streams.delete(res));
      return;
    }
    try {
      const body = await readBody(req);
      const apiReq: ApiRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers, body };
      const out = await router.handle(apiReq);
      options.log?.({ method: apiReq.method, path: url.pathname, status: out.status });
      sendJson(res, out.status, out.body);
    } catch (err) {
      const api = err instanceof ApiError ? err : new ApiError("bad-request", "could not read the request");
      if (!res.headersSent) sendJson(res, api.status, api.toBody());
    }
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host, port: options.port }, resolve);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    publish(event) {
      const frame = `id: ${nextId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
      for (const s of streams) s.write(frame);
    },
    async close() {
      for (const s of streams) s.end();
      streams.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
