// `npm test`: installs what the tests need on a fresh machine, then runs the
// type check, the lint (with the module arrows), the packed packages and
// every test, unit and world. Nothing is skipped because something is missing.
import { spawnSync } from "node:child_process";
import { ensureBuild, ensureDebianPackages, ensureNodeModules, ensureWebBuild, root } from "./bootstrap.mjs";

ensureNodeModules();
ensureWebBuild();
// dist/ for the packed-package check; the tests themselves run the sources.
ensureBuild();
ensureDebianPackages();

const steps = [
  ["type check", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]],
  ["type check (web app: DOM and JSX)", "npx", ["tsc", "-p", "packages/web/tsconfig.json", "--noEmit"]],
  ["lint", "npx", ["eslint", "."]],
  ["packed packages (plain Node imports @cusax/core, cusax --version from dist)", "node", ["scripts/check-packed.mjs"]],
  ["tests (unit and world)", "npx", ["vitest", "run", ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  process.stdout.write(`\n[npm test] ${name}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  process.stdout.write(`[npm test] ${name}: ${r.status === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
