// Memory per TLS client connection when the trust is Node's roots plus one
// extra CA (a world's self-signed certificate): a CA store built anew per
// connection (`ca` passed to every tls.connect, as XMPP connections did
// before util/tls-context.ts) against one shared SecureContext. Each way runs
// in its own child process, so neither inherits the other's heap; the two
// alternate (A B A B) and the medians are printed.
// Run: npm run bench -- tls-context   (or: node --expose-gc --import tsx bench/tls-context.bench.ts)
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import tls from "node:tls";
import { makeCertificate } from "../test/world/certs.js";
import { makeWorldDir, removeWorldDir } from "../test/world/index.js";
import { sharedSecureContext } from "../packages/core/src/util/tls-context.js";

const CONNECTIONS = 200;
const ROUNDS = 3;
const [mode, certFile, keyFile] = process.argv.slice(2);

const gc = (globalThis as { gc?: () => void }).gc;
const rssKiB = () => (gc?.(), process.memoryUsage().rss / 1024);

/** Child: a loopback TLS server, CONNECTIONS clients held open, RSS per client. */
async function child(way: string, pem: string, key: string): Promise<void> {
  const server = tls.createServer({ cert: pem, key }, (s) => s.on("error", () => {}));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const open = async () => {
    const trust = way === "shared" ? { secureContext: sharedSecureContext([pem]) } : { ca: [...tls.rootCertificates, pem] };
    const s = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ...trust });
    await once(s, "secureConnect");
    return s;
  };
  (await open()).destroy(); // warm-up: code paths loaded, a shared context built
  const before = rssKiB();
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < CONNECTIONS; i++) sockets.push(await open());
  const after = rssKiB();
  process.stdout.write(JSON.stringify({ perConnectionKiB: (after - before) / CONNECTIONS }) + "\n");
  for (const s of sockets) s.destroy();
  server.close();
}

function runChild(way: string, cert: string, key: string): number {
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, way, cert, key], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${way}: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { perConnectionKiB: number }).perConnectionKiB;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (mode) {
  await child(mode, readFileSync(certFile!, "utf8"), readFileSync(keyFile!, "utf8"));
} else {
  const dir = makeWorldDir("bench-tls-context");
  try {
    const cert = await makeCertificate(dir, "bench.test");
    const per: Record<string, number[]> = { "ca per connection": [], shared: [] };
    for (let i = 0; i < ROUNDS; i++) {
      per["ca per connection"]!.push(runChild("per-connection", cert.certFile, cert.keyFile));
      per.shared!.push(runChild("shared", cert.certFile, cert.keyFile));
    }
    const [old, now] = [median(per["ca per connection"]!), median(per.shared!)];
    process.stdout.write(`RSS per TLS client connection (${CONNECTIONS} open, roots + 1 CA, median of ${ROUNDS}, A B interleaved):\n`);
    process.stdout.write(`  CA store per connection: ${old.toFixed(0)} KiB   (${per["ca per connection"]!.map((x) => x.toFixed(0)).join(", ")})\n`);
    process.stdout.write(`  one shared context:      ${now.toFixed(0)} KiB   (${per.shared!.map((x) => x.toFixed(0)).join(", ")})\n`);
    process.stdout.write(`  ratio: ${(old / now).toFixed(1)}x\n`);
    if (!gc) process.stdout.write("  (run with --expose-gc for figures after a collection)\n");
  } finally {
    removeWorldDir(dir, false);
  }
}
