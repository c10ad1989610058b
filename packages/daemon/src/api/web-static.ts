// docs/api.md "The web app": the built web app (packages/web/dist) served at
// `/`, `/index.html`, `/assets/*` and `/favicon.svg` (RFC 9110 GET/HEAD,
// §8.8.3 ETag with §13.1.2 If-None-Match). No directory traversal: a path
// with a `.` or `..` segment (also percent-encoded), a backslash or a NUL is
// refused before the file system is asked.
import { readFileSync, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { notBuiltPage } from "./pages.js";

/** packages/web/dist, found from this file's place in packages/daemon/src/api. */
export function webDistDir(from: string = import.meta.url): string {
  return resolve(fileURLToPath(new URL(".", from)), "../../../web/dist");
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".wav": "audio/wav",
  ".txt": "text/plain; charset=utf-8",
};

export type StaticAnswer = { status: number; headers: Record<string, string>; body: Uint8Array | string };

/** Whether a request path is one of the web app's (the raw path, before any normalisation). */
export function isStaticPath(rawPath: string): boolean {
  return rawPath === "/" || rawPath === "/index.html" || rawPath === "/favicon.svg" || rawPath.startsWith("/assets/");
}

/** The relative file for a raw request path, or undefined when the path is unsafe. */
export function safeRelativePath(rawPath: string): string | undefined {
  if (rawPath === "/") return "index.html";
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (/[\\\0]/.test(decoded) || /%/.test(decoded)) return undefined;
  const segments = decoded.slice(1).split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  return segments.join("/");
}

// Vite names built assets name-HASH.ext (8+ characters of base64url): those never change.
const HASHED = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

function cachingOf(rel: string): string {
  if (rel === "index.html") return "no-store";
  return HASHED.test(rel) ? "public, max-age=31536000, immutable" : "no-cache";
}

/** Answers a GET or HEAD for the web app from `dir` (a missing dir: the not-built page at `/`). */
export function serveStatic(dir: string, rawPath: string, ifNoneMatch: string | undefined): StaticAnswer {
  const rel = safeRelativePath(rawPath);
  const html = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };
  if (rel === undefined) return { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "bad path: no '.' or '..' segments, backslashes or NULs\n" };
  const file = resolve(dir, rel);
  if (!file.startsWith(resolve(dir) + sep)) return { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "bad path\n" };
  let size: number;
  let mtime: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a file");
    size = st.size;
    mtime = st.mtimeMs;
  } catch {
    if (rel === "index.html") return { status: 503, headers: html, body: notBuiltPage(dir) };
    return { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }, body: "not found\n" };
  }
  const etag = `"${size.toString(36)}-${Math.trunc(mtime).toString(36)}"`;
  const headers: Record<string, string> = { "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream", "cache-control": cachingOf(rel), etag };
  if (ifNoneMatch !== undefined && ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*")) return { status: 304, headers, body: "" };
  return { status: 200, headers, body: readFileSync(join(dir, rel)) };
}
