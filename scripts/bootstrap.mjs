// What `npm test` and `npm start` need before they can run, installed on a
// fresh machine by themselves: npm packages (npm ci when node_modules is
// missing or older than the lockfile) and the Debian packages of the test
// world (as root; otherwise the exact apt-get line is printed and we stop).
// Node built-ins only: this runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const root = new URL("..", import.meta.url).pathname;

/** Debian 12 packages the world tests and the demo world run. */
export const debianPackages = [
  "prosody",
  "kamailio",
  "kamailio-tls-modules",
  "kamailio-websocket-modules",
  "baresip-core",
  "sox",
  "python3-slixmpp",
  "openssl",
  "ffmpeg", // ffprobe checks that VP8 we receive decodes; ffmpeg makes test video
  // Stock server shapes and second implementations (issue: stock configurations):
  "mariadb-server", // Debian's stock kamailio.cfg keeps users and registrations in MySQL
  "mariadb-client",
  "kamailio-mysql-modules",
  "ejabberd", // a second XMPP server
  "linphone-cli", // a second SIP phone (linphonec), run in a private tmux
  "tmux",
  "chromium", // the web app's browser tests (playwright-core drives /usr/bin/chromium)
  "coturn", // STUN/TURN server for the NAT tests
  "nftables", // NAT (masquerade) in the NAT tests' router namespaces
  "iproute2", // ip netns / veth for the NAT tests
];

function say(line) {
  process.stdout.write(`[bootstrap] ${line}\n`);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed with ${r.status ?? r.signal}`);
  }
}

export function ensureNodeModules() {
  const lock = readFileSync(join(root, "package-lock.json"));
  const want = createHash("sha256").update(lock).digest("hex");
  const stamp = join(root, "node_modules", ".cusax-lock-sha256");
  const have = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : "";
  if (have === want) return;
  say(existsSync(join(root, "node_modules")) ? "node_modules is stale: npm ci" : "no node_modules: npm ci");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  writeFileSync(stamp, want + "\n");
}

function missingDebianPackages() {
  return debianPackages.filter((p) => {
    const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", p], { encoding: "utf8" });
    return r.status !== 0 || !r.stdout.includes("install ok installed");
  });
}

export function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const line = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      `The world tests need Debian packages that are not installed: ${missing.join(", ")}.\n` +
        `Run as root:\n\n  ${line}\n\nthen run the command again.\n`,
    );
    process.exit(1);
  }
  say(`installing Debian packages: ${missing.join(" ")}`);
  // Installing prosody or kamailio must not start system-wide daemons on
  // 5222/5060: while we install, a policy-rc.d forbids service starts.
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) {
    writeFileSync(policy, "#!/bin/sh\n# written by cusax bootstrap during apt-get install\nexit 101\n");
    chmodSync(policy, 0o755);
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update"], { env });
    run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
  } finally {
    if (ownPolicy) unlinkSync(policy);
  }
  const still = missingDebianPackages();
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(", ")}`);
}

function newestMtime(dir, skip = () => false) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || skip(entry.name)) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Tests and fixtures are not compiled: changing one does not make dist/ stale. */
const notCompiled = (name) => name.endsWith(".test.ts") || name === "fixtures";

/** Whether a package's dist/ is missing or older than what it is compiled from. */
function distStale(pkg) {
  const dir = join(root, "packages", pkg);
  const stamp = join(dir, "dist", ".tsbuildinfo");
  if (!existsSync(stamp)) return true;
  const inputs = Math.max(
    newestMtime(join(dir, "src"), notCompiled),
    ...["package.json", "tsconfig.build.json"].map((f) => statSync(join(dir, f)).mtimeMs),
    statSync(join(root, "tsconfig.base.json")).mtimeMs,
  );
  return statSync(stamp).mtimeMs < inputs;
}

/**
 * The compiled packages (packages/core/dist, packages/daemon/dist) that the
 * `cusax` command and `import("@cusax/core")` run, built when missing or
 * older than their sources (tsc -b: only what changed is compiled again).
 */
export function ensureBuild() {
  const stale = ["core", "daemon"].filter(distStale);
  if (stale.length === 0) return;
  say(`compiling ${stale.map((p) => `packages/${p}`).join(" and ")} (dist/ is missing or older than src/)`);
  buildPackages();
}

/**
 * tsc -b of core then daemon, then the hand-written declaration files
 * (every .d.ts under src/, e.g. the @xmpp/client types, which tsc does not copy) into
 * dist/ beside the declarations that import them.
 */
export function buildPackages() {
  for (const pkg of ["core", "daemon"]) {
    run("npx", ["tsc", "-b", `packages/${pkg}/tsconfig.build.json`]);
    copyAmbientDeclarations(join(root, "packages", pkg));
  }
}

function copyAmbientDeclarations(dir) {
  const [src, dist] = [join(dir, "src"), join(dir, "dist")];
  const ambient = listFiles(src).filter((f) => f.endsWith(".d.ts")).map((f) => f.slice(src.length + 1));
  for (const file of ambient) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    copyFileSync(join(src, file), join(dist, file));
  }
  // The entry's declarations name them, so a user's program sees them too.
  const entry = join(dist, "index.d.ts");
  if (ambient.length === 0 || !existsSync(entry)) return;
  const refs = ambient.map((f) => `/// <reference path="./${f}" />\n`).join("");
  const text = readFileSync(entry, "utf8");
  if (!text.startsWith(refs)) writeFileSync(entry, refs + text);
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "fixtures" ? [] : listFiles(join(dir, e.name))) : [join(dir, e.name)],
  );
}

/**
 * The web app the daemon serves at `/` (packages/web/dist), built when it is
 * missing or older than its sources, so `npm start` and `npm test` on a fresh
 * clone need nothing more.
 */
export function ensureWebBuild() {
  const web = join(root, "packages", "web");
  const stamp = join(web, "dist", "index.html");
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestMtime(web)) return;
  say(existsSync(stamp) ? "the web app's sources changed: building it" : "building the web app (packages/web/dist)");
  run("npm", ["run", "build", "-w", "packages/web"]);
}
