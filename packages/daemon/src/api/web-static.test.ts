import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasDotSegment } from "./http.js";
import { isStaticPath, safeRelativePath, serveStatic, webDistDir } from "./web-static.js";

const dir = mkdtempSync(join(tmpdir(), "cusax-web-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "dist", "assets"), { recursive: true });
writeFileSync(join(dir, "dist", "index.html"), "<!doctype html><title>cusax</title>");
writeFileSync(join(dir, "dist", "assets", "index-Bx3kQ9aZ.js"), "console.log(1)");
writeFileSync(join(dir, "dist", "favicon.svg"), "<svg/>");
writeFileSync(join(dir, "secret.txt"), "do not serve");
const dist = join(dir, "dist");

describe("serving the web app", () => {
  it("finds packages/web/dist from the daemon's own place", () => {
    expect(webDistDir("file:///repo/packages/daemon/src/api/web-static.ts")).toBe("/repo/packages/web/dist");
  });

  it("serves index.html uncached, hashed assets long-cached, with their types", () => {
    const index = serveStatic(dist, "/", undefined);
    expect(index).toMatchObject({ status: 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
    expect(String(index.body)).toContain("<title>cusax</title>");
    expect(serveStatic(dist, "/index.html", undefined).status).toBe(200);
    const js = serveStatic(dist, "/assets/index-Bx3kQ9aZ.js", undefined);
    expect(js.headers).toMatchObject({ "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" });
    expect(serveStatic(dist, "/favicon.svg", undefined).headers).toMatchObject({ "content-type": "image/svg+xml", "cache-control": "no-cache" });
    expect(serveStatic(dist, "/assets/missing.js", undefined).status).toBe(404);
  });

  it("answers 304 to a matching If-None-Match", () => {
    const first = serveStatic(dist, "/favicon.svg", undefined);
    const again = serveStatic(dist, "/favicon.svg", first.headers.etag);
    expect(again.status).toBe(304);
    expect(serveStatic(dist, "/favicon.svg", '"other"').status).toBe(200);
  });

  it("refuses traversal, raw or encoded, before touching the file system", () => {
    for (const p of ["/assets/../../etc/passwd", "/assets/%2e%2e/secret.txt", "/assets/%2E%2E%2Fsecret.txt", "/assets/..%5csecret.txt", "/assets/%252e%252e/x", "/assets//x", "/assets/./x", "/assets/a%00b", "/assets/%E0%A4%A"]) {
      expect(safeRelativePath(p), p).toBeUndefined();
      expect(serveStatic(dist, p, undefined).status, p).toBe(400);
    }
    expect(hasDotSegment("/assets/../../etc/passwd")).toBe(true);
    expect(hasDotSegment("/%2e%2e/etc/passwd")).toBe(true);
    expect(hasDotSegment("/contacts/bob%40x")).toBe(false);
    expect(hasDotSegment("/contacts/..%2f..%2fx")).toBe(true);
    expect(hasDotSegment("/contacts/a..b")).toBe(false);
    expect(isStaticPath("/status")).toBe(false);
  });

  it("says how to build the web app when it is not built", () => {
    const out = serveStatic(join(dir, "nothing"), "/", undefined);
    expect(out.status).toBe(503);
    expect(String(out.body)).toContain("npm run build -w packages/web");
    expect(serveStatic(join(dir, "nothing"), "/assets/x.js", undefined).status).toBe(404);
  });
});
