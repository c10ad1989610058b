// `npm start` with nothing configured: a local world (Prosody and Kamailio on
// loopback) with users alice and bob, a cusax daemon for each, and the
// command lines to chat and call between them from two terminals. Ctrl-C
// stops everything.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { makeTone, makeWorldDir, removeWorldDir, startKamailio, startProsody } from "../test/world/index.js";
import { ok, startDaemon, writeConfig, type Daemon } from "../test/world/daemon/daemon-kit.js";

// Ctrl-C at any moment, also while the world is still starting, stops what
// has started so far (newest first); then the demo's directory (both data
// directories, recordings, logs) is deleted or kept, as the user says.
const users = ["alice", "bob"] as const;
const dir = makeWorldDir("demo");
const started: { stop(): Promise<void> }[] = [];
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write("\nstopping the demo's daemons and servers...\n");
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  const keepIt = await keepOrDelete(dir);
  removeWorldDir(dir, keepIt);
  if (!keepIt) process.stdout.write(`deleted ${dir}\n`);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
const keep = <T extends { stop(): Promise<void> }>(s: T): T => (started.push(s), s);

/** What is in the demo's directory, and whether to keep it: CUSAX_DEMO_KEEP=1/0, else asked on a terminal, else deleted. */
async function keepOrDelete(where: string): Promise<boolean> {
  const entries = existsSync(where) ? readdirSync(where).sort() : [];
  if (entries.length === 0) return false;
  process.stdout.write(`The demo's directory ${where} holds:\n${entries.map((e) => `  ${e}${e.endsWith(".log") ? "" : statSync(join(where, e)).isDirectory() ? "/  (a data directory: history, call recordings)" : ""}`).join("\n")}\n`);
  const choice = process.env.CUSAX_DEMO_KEEP;
  if (choice === "1" || choice === "0") return choice === "1";
  if (!process.stdin.isTTY) {
    process.stdout.write("no terminal to ask (set CUSAX_DEMO_KEEP=1 to keep it): deleting it\n");
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => {
    rl.question("Keep it? [y/N] ", resolve);
    rl.once("close", () => resolve(""));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

const prosody = keep(await startProsody({ users: [...users], label: "demo-prosody" }));
const kamailio = keep(await startKamailio({ users: [...users], label: "demo-kamailio" }));
const tone = await makeTone(join(dir, "tone-440.wav"), 440, { seconds: 60 });
const daemons: Daemon[] = [];
for (const u of users) daemons.push(keep(await startDaemon(u, writeConfig(dir, u, prosody, kamailio))));
const [alice, bob] = daemons as [Daemon, Daemon];
// One-time sign-in links for the web app (docs/api.md "Browser sign-in"), from each daemon.
const [aliceLink, bobLink] = await Promise.all(daemons.map(async (d) => (await ok<{ url: string }>(d.dataDir, ["open", "--json"])).url));

const lines = [
  "cusax demo: Prosody, Kamailio and two cusax daemons are running on loopback.",
  "",
  `XMPP  Prosody   ${prosody.domain}  STARTTLS ${prosody.host}:${prosody.ports.c2s}  direct TLS ${prosody.host}:${prosody.ports.directTls}  ${prosody.websocketUrl}`,
  `SIP   Kamailio  ${kamailio.domain}  UDP/TCP ${kamailio.host}:${kamailio.ports.udp}  TLS ${kamailio.host}:${kamailio.ports.tls}  ${kamailio.websocketUrl}`,
  "",
  "The web app: open each link in its own browser (or a private window); each works once, for 2 minutes.",
  `  alice: ${aliceLink}`,
  `  bob:   ${bobLink}`,
  "  A fresh link later: CUSAX_DATA_DIR=<that user's data dir> npx cusax open",
  "",
  "Or the command line. Terminal 1 (alice):",
  `  export CUSAX_DATA_DIR=${alice.dataDir}`,
  "  npx cusax status",
  `  npx cusax add bob@${prosody.domain}`,
  `  npx cusax send bob@${prosody.domain} "hello bob"`,
  `  npx cusax call bob@${prosody.domain} --play ${tone}`,
  "  npx cusax hangup",
  "",
  "Terminal 2 (bob):",
  `  export CUSAX_DATA_DIR=${bob.dataDir}`,
  "  npx cusax status",
  `  npx cusax add alice@${prosody.domain}`,
  `  npx cusax history alice@${prosody.domain}`,
  "  npx cusax answer          # when alice calls",
  "",
  "Terminal 3 (bob's events, one line each; Ctrl-C to leave):",
  `  CUSAX_DATA_DIR=${bob.dataDir} npx cusax tail`,
  "",
  `Call recordings go to <data dir>/calls/. Logs: ${dir}/*.json.log`,
  "Every command has --help and --json. Press Ctrl-C here to stop everything (it asks whether to keep the data).",
];
process.stdout.write(lines.join("\n") + "\n");
