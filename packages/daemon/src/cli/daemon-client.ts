// How a command reaches the daemon: <dataDir>/api-url and <dataDir>/api-token
// (written by `cusax daemon`), dataDir from --data-dir, CUSAX_DATA_DIR or the
// XDG default. Errors are classified for exit codes: down (3) or failure (1).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultDataDir } from "../config/config.js";

export const NOT_RUNNING = "the cusax daemon is not running: start it with `cusax daemon`";

export class DaemonDown extends Error {
  constructor(detail?: string) {
    super(detail ? `${NOT_RUNNING} (${detail})` : NOT_RUNNING);
  }
}

/** The daemon answered with an error body ({error:{code,message}}). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Env = Record<string, string | undefined>;
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

export function dataDirOf(flag: string | undefined, env: Env): string {
  return flag ?? (env.CUSAX_DATA_DIR || defaultDataDir(env));
}

export type DaemonClient = {
  url: string;
  request(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<unknown>;
  /** The raw response of a streaming GET (the event stream); `headers` adds e.g. Last-Event-ID. */
  stream(path: string, signal?: AbortSignal, headers?: Record<string, string>): Promise<Response>;
};

export async function connectDaemon(dataDir: string, fetchFn: FetchLike = fetch): Promise<DaemonClient> {
  let url: string;
  let token: string;
  try {
    url = (await readFile(join(dataDir, "api-url"), "utf8")).trim();
    token = (await readFile(join(dataDir, "api-token"), "utf8")).trim();
  } catch {
    throw new DaemonDown(`no api-url/api-token in ${dataDir}`);
  }
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const send = async (method: string, path: string, body?: unknown, signal?: AbortSignal, extra?: Record<string, string>): Promise<Response> => {
    try {
      return await fetchFn(url + path, { method, headers: extra ? { ...headers, ...extra } : headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new DaemonDown(`cannot reach ${url}`);
    }
  };
  return {
    url,
    async request(method, path, body) {
      const res = await send(method, path, body ?? (method === "POST" ? {} : undefined));
      const parsed = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
      if (!res.ok) throw new ApiFailure(res.status, parsed?.error?.code ?? "unknown", parsed?.error?.message ?? `HTTP ${res.status}`);
      return parsed;
    },
    async stream(path, signal, extra) {
      const res = await send("GET", path, undefined, signal, extra);
      if (!res.ok) throw new ApiFailure(res.status, "stream", `HTTP ${res.status}`);
      return res;
    },
  };
}
