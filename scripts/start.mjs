// `npm start`: the main job. With a configuration (`npm start -- --config
// PATH`, or the XDG file ~/.config/cusax/config.json) it runs the cusax
// daemon for the person's own accounts; with none, it brings up the demo: a
// local world with two users and a daemon for each.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ensureBuild, ensureDebianPackages, ensureNodeModules, ensureWebBuild, root } from "./bootstrap.mjs";

const args = process.argv.slice(2);
const xdg = join(process.env.XDG_CONFIG_HOME || join(process.env.HOME || homedir(), ".config"), "cusax", "config.json");
ensureNodeModules();
ensureWebBuild(); // the daemon serves the web app at /
ensureBuild(); // the daemons run compiled JavaScript (dist/)
const cusaxBin = join(root, "packages/daemon/bin/cusax.mjs");
if (args.includes("--config") || existsSync(xdg)) {
  const r = spawnSync(process.execPath, [cusaxBin, "daemon", ...args], { stdio: "inherit", cwd: root });
  process.exit(r.status ?? 1);
}
ensureDebianPackages();
// Ctrl-C reaches the whole foreground group: the demo stops its world and may
// ask whether to keep its data, so this process waits for it instead of dying.
process.on("SIGINT", () => undefined);
const r = spawnSync("npx", ["tsx", "scripts/demo-world.ts"], { stdio: "inherit", cwd: root, env: { ...process.env, CUSAX_BIN: cusaxBin } });
process.exit(r.status ?? 1);
