// `npm run build`: @cusax/core and @cusax/daemon to dist/ (JavaScript,
// declarations, source maps; tsc -b compiles only what changed), then the web
// app (packages/web/dist) that the daemon serves.
import { spawnSync } from "node:child_process";
import { buildPackages, root } from "./bootstrap.mjs";

buildPackages();
const r = spawnSync("npm", ["run", "build", "-w", "packages/web"], { stdio: "inherit", cwd: root });
process.exit(r.status ?? 1);
