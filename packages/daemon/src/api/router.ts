// The API's routing, independent of sockets: a request is { method, path,
// headers, body } and a response is { status, body }. Token check, JSON body
// limits and error shapes live here once for every route. A request is
// authenticated by the Bearer token (the CLI) or the session cookie (the
// browser); a cookie request that changes something must carry our Origin.
import { timingSafeEqual } from "node:crypto";
import { ApiError } from "./errors.js";
import { cookieValue, isSafeMethod, originAllowed, SESSION_COOKIE } from "./guard.js";
import type { Sessions } from "./sign-in.js";

export type ApiRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
};

/** `internal`: the error behind a 500, for the daemon's log only (the client sees "internal error"). */
export type ApiResponse = { status: number; body: unknown; internal?: unknown };

/** How the request proved who it is. */
export type AuthKind = "bearer" | "cookie";

export type RouteContext = { params: Record<string, string>; query: URLSearchParams; json: () => unknown; auth: AuthKind };
export type Handler = (ctx: RouteContext) => Promise<unknown> | unknown;

type Route = { method: string; pattern: RegExp; names: string[]; handler: Handler };

export const MAX_BODY_BYTES = 256 * 1024;

export class Router {
  private routes: Route[] = [];
  constructor(
    private readonly token: string,
    private readonly sessions?: Sessions,
  ) {}

  /** `path` may hold `:name` segments, e.g. "/contacts/:id". */
  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      "^" + path.replace(/:([a-zA-Z]+)/g, (_, n: string) => (names.push(n), "([^/]+)")) + "$",
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /** The Bearer token wins over a cookie; undefined when neither is valid. */
  authOf(headers: ApiRequest["headers"]): AuthKind | undefined {
    const given = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1] ?? "";
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    if (a.length === b.length && timingSafeEqual(a, b)) return "bearer";
    if (this.sessions?.has(cookieValue(headers.cookie, SESSION_COOKIE))) return "cookie";
    return undefined;
  }

  authorized(headers: ApiRequest["headers"]): boolean {
    return this.authOf(headers) !== undefined;
  }

  /** Who is asking, and (CSRF) that a cookie request changing something comes from our origin. */
  check(req: ApiRequest): AuthKind {
    const auth = this.authOf(req.headers);
    if (!auth) {
      throw new ApiError("unauthorized", this.sessions
        ? "not signed in: send Authorization: Bearer <token> from the daemon's token file, or sign in with the link from `cusax open`"
        : "missing or wrong API token (send Authorization: Bearer <token> from the daemon's token file)");
    }
    if (auth === "cookie" && !isSafeMethod(req.method) && !originAllowed(req.headers.origin, req.headers.host)) {
      throw new ApiError("forbidden-origin", `${req.method} with the session cookie needs Origin: http://${req.headers.host ?? "<host>"} (this request came from ${req.headers.origin ?? "no origin"})`);
    }
    return auth;
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      const auth = this.check(req);
      const matching = this.routes.map((r) => ({ r, m: r.pattern.exec(req.path) })).filter((x) => x.m);
      if (matching.length === 0) throw new ApiError("not-found", `no such endpoint: ${req.path}`);
      const hit = matching.find((x) => x.r.method === req.method);
      if (!hit) throw new ApiError("method-not-allowed", `${req.method} is not allowed on ${req.path} (allowed: ${matching.map((x) => x.r.method).join(", ")})`);
      const params = Object.fromEntries(hit.r.names.map((n, i) => [n, decodeParam(hit.m![i + 1]!)]));
      const body = await hit.r.handler({ params, query: req.query, json: () => parseJsonBody(req), auth });
      return { status: req.method === "POST" ? 201 : 200, body: body ?? { ok: true } };
    } catch (err) {
      const api = err instanceof ApiError ? err : new ApiError("internal", "internal error; see the daemon log");
      return { status: api.status, body: api.toBody(), ...(err instanceof ApiError ? {} : { internal: err }) };
    }
  }
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError("bad-request", `bad percent-encoding in the path: "${raw}"`);
  }
}

export function parseJsonBody(req: ApiRequest): unknown {
  if (req.body.length > MAX_BODY_BYTES) throw new ApiError("payload-too-large", `request body over ${MAX_BODY_BYTES} bytes`);
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) throw new ApiError("unsupported-media-type", `expected Content-Type: application/json, got "${type}"`);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(req.body);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError("bad-request", `request body is not valid JSON: ${(err as Error).message}`);
  }
}
