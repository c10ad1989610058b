// The API token: random, written to a file only the daemon's user can read
// (mode 0600, created exclusively, replaced atomically).
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

export function createTokenFile(path: string): string {
  const token = randomBytes(32).toString("base64url");
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, token + "\n", { mode: 0o600, flag: "wx" });
  renameSync(tmp, path);
  return token;
}

export function readTokenFile(path: string): string {
  return readFileSync(path, "utf8").trim();
}
