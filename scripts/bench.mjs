// `npm run bench`: runs every benchmark in bench/ (one process each, with
// --expose-gc for memory figures); each prints its figures side by side with
// a peer's from the same run. `npm run bench -- sip-parse` runs the matching ones.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ensureBuild, ensureNodeModules, root } from "./bootstrap.mjs";

ensureNodeModules();
ensureBuild(); // the daemon benches run the compiled `cusax` (as people do)
const filter = process.argv.slice(2);
const benches = readdirSync(join(root, "bench"))
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
if (benches.length === 0) {
  process.stderr.write(`no benchmark matches ${filter.join(" ")}\n`);
  process.exit(1);
}
let failed = 0;
for (const f of benches) {
  process.stdout.write(`\n=== bench/${f}\n`);
  const r = spawnSync("node", ["--expose-gc", "--conditions=@cusax/source", "--import", "tsx", join("bench", f)], {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, CUSAX_BIN: join(root, "packages/daemon/bin/cusax.mjs") },
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
