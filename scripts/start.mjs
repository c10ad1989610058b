// `npm start`: the main job. Until the daemon exists, it brings up a local
// world (Prosody and Kamailio on loopback, two users) and prints how to reach
// it; Ctrl-C stops it.
import { spawnSync } from "node:child_process";
import { ensureDebianPackages, ensureNodeModules, root } from "./bootstrap.mjs";

ensureNodeModules();
ensureDebianPackages();
const r = spawnSync("npx", ["tsx", "scripts/demo-world.ts"], { stdio: "inherit", cwd: root });
process.exit(r.status ?? 1);
