// A fresh temporary directory per world; removed after a passing run, kept
// (and its path printed) after a failure so the logs can be read.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

export function makeWorldDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `cusax-${label}-`));
}

/** CUSAX_KEEP_WORLD=1 keeps every world's directory, passing or not (for reading logs). */
export function removeWorldDir(dir: string, keep: boolean): void {
  if (keep || process.env.CUSAX_KEEP_WORLD === "1") {
    process.stderr.write(`[world] logs kept in ${dir}\n`);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}

/** A password nobody hard-coded (never starting with "-", so no tool reads it as an option). */
export function makePassword(): string {
  return `p${randomBytes(9).toString("base64url")}`;
}
