// docs/api.md "Answers" and the web-app contract: JSON over fetch with the
// session cookie (same origin; the browser adds Origin to non-GET requests).
// Errors carry a `kind`: the daemon's error code, "signed-out" for 401, or
// "network" when the daemon could not be reached.
import type { ApiErrorBody } from "./types.js";

export class ApiError extends Error {
  constructor(readonly kind: string, message: string, readonly status: number) {
    super(message);
    this.name = "ApiError";
  }
}

export type Api = {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
};

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export function createApi(fetchFn: Fetch = (i, init) => fetch(i, init), base = ""): Api {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, credentials: "same-origin", headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.headers = { accept: "application/json", "content-type": "application/json" };
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetchFn(base + path, init);
    } catch {
      throw new ApiError("network", "the cusax daemon cannot be reached", 0);
    }
    const text = await res.text().catch(() => "");
    const json = parse(text);
    if (res.ok) return json as T;
    if (res.status === 401) throw new ApiError("signed-out", "signed out", 401);
    const err = (json as ApiErrorBody | undefined)?.error;
    throw new ApiError(err?.code ?? `http-${res.status}`, err?.message ?? `${method} ${path}: HTTP ${res.status}`, res.status);
  }
  return {
    get: (p) => call("GET", p),
    post: (p, b) => call("POST", p, b),
    put: (p, b) => call("PUT", p, b),
    patch: (p, b) => call("PATCH", p, b),
    del: (p) => call("DELETE", p),
  };
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON (an HTML error page): the status says enough
  }
}

/** A path segment (JIDs and Call-IDs contain @, / and other characters). */
export const seg = (s: string | number): string => encodeURIComponent(String(s));

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
