import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTokenFile, readTokenFile } from "./token.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("API token file", () => {
  it("is readable by its owner only and changes on every start", () => {
    dir = mkdtempSync(join(tmpdir(), "cusax-token-"));
    const path = join(dir, "run", "api-token");
    const first = createTokenFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readTokenFile(path)).toBe(first);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = createTokenFile(path);
    expect(second).not.toBe(first);
    expect(readTokenFile(path)).toBe(second);
  });
});
