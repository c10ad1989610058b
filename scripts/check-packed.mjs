// What a user gets from npm (issue 14): packs @cusax/core and @cusax/daemon
// as `npm pack` would publish them, unpacks both into a temporary
// node_modules, and checks with plain Node (no tsx, no TypeScript) that
// `import("@cusax/core")` works and that `cusax --version` runs from dist/.
// The packages' own dependencies are linked from this checkout's
// node_modules (no network). Also refuses a pack that ships tests, fixtures
// or sources.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./bootstrap.mjs";

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status ?? r.signal}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Packs one workspace into dir; returns npm's description of the tarball. */
function pack(pkg, dir) {
  const [info] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", dir, "-w", `packages/${pkg}`], root));
  const wrong = info.files.map((f) => f.path).filter((p) => /\.test\.|fixtures\/|^src\/|\.tsbuildinfo$|testing\.(js|d\.ts)$/.test(p));
  if (wrong.length > 0) throw new Error(`@cusax/${pkg} would ship ${wrong.slice(0, 5).join(", ")}`);
  for (const need of ["package.json", "README.md", "LICENSE", "dist/index.js"].filter((f) => pkg === "core" || f !== "dist/index.js")) {
    if (!info.files.some((f) => f.path === need)) throw new Error(`@cusax/${pkg} would not ship ${need}`);
  }
  return info;
}

const dir = mkdtempSync(join(tmpdir(), "cusax-packed-"));
try {
  const modules = join(dir, "node_modules");
  for (const pkg of ["core", "daemon"]) {
    const info = pack(pkg, dir);
    const to = join(modules, "@cusax", pkg);
    mkdirSync(to, { recursive: true });
    sh("tar", ["-xzf", join(dir, info.filename), "-C", to, "--strip-components=1"], dir);
    const manifest = JSON.parse(readFileSync(join(to, "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => !d.startsWith("@cusax/"))) {
      mkdirSync(join(modules, dep, ".."), { recursive: true });
      symlinkSync(join(root, "node_modules", dep), join(modules, dep));
    }
    process.stdout.write(`@cusax/${pkg}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB packed\n`);
  }
  const probe = 'const m = await import("@cusax/core"); if (typeof m.createClient !== "function" || typeof m.parseSipMessage !== "function") throw new Error("exports missing"); console.log(Object.keys(m).length + " exports");';
  process.stdout.write(`import("@cusax/core") from plain Node: ${sh(process.execPath, ["--input-type=module", "-e", probe], dir).trim()}\n`);
  const version = sh(process.execPath, [join(modules, "@cusax/daemon/bin/cusax.mjs"), "--version"], dir).trim();
  const want = JSON.parse(readFileSync(join(root, "packages/daemon/package.json"), "utf8")).version;
  if (version !== `cusax ${want}`) throw new Error(`cusax --version printed "${version}", not "cusax ${want}"`);
  process.stdout.write(`packed cusax --version: ${version}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
