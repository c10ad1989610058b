// A scripted slixmpp peer (test/world/peers/slix_peer.py) logged in to the
// world's Prosody, driven by JSON lines: commands in, events out.
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import type { Prosody } from "./prosody.js";
import { EventLog } from "./event-log.js";
import { startProcess } from "./process.js";

const script = join(dirname(fileURLToPath(import.meta.url)), "peers", "slix_peer.py");

export type SlixEvent = { type: string; [k: string]: unknown };

export type SlixPeer = {
  readonly jid: string;
  readonly pid: number;
  readonly events: SlixEvent[];
  command(cmd: Record<string, unknown> & { cmd: string }): Promise<void>;
  waitEvent(match: (e: SlixEvent) => boolean, what: string, timeoutMs?: number): Promise<SlixEvent>;
  log(): string;
  stop(): Promise<void>;
};

export async function startSlixPeer(prosody: Prosody, userName: string, options: { resource?: string } = {}): Promise<SlixPeer> {
  const user = prosody.users[userName];
  if (!user) throw new Error(`no XMPP user ${userName} in this world`);
  const jid = `${user.jid}/${options.resource ?? "slix"}`;
  const proc = startProcess(
    `slix-${userName}`,
    "/usr/bin/python3",
    [script, `--jid=${jid}`, `--password=${user.password}`, `--host=${prosody.host}`, `--port=${prosody.ports.c2s}`, `--cafile=${prosody.caFile}`],
    { logFile: join(prosody.dir, `slix-${userName}-${options.resource ?? "slix"}.log`), stdin: "pipe" },
  );
  const log = new EventLog<SlixEvent>(`slix peer ${jid}`, () => (proc.child.exitCode !== null ? "exited" : undefined));
  const events = log.events;
  if (!proc.child.stdout) throw new Error("slix peer has no stdout");
  createInterface({ input: proc.child.stdout }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    try {
      log.push(JSON.parse(line) as SlixEvent);
    } catch {
      return; // a stray line of library output, not an event
    }
  });
  void proc.exited.then(() => log.poke());

  const waitEvent: SlixPeer["waitEvent"] = (match, what, timeoutMs) => log.wait(match, what, timeoutMs);

  const peer: SlixPeer = {
    jid,
    pid: proc.pid,
    events,
    async command(cmd) {
      const answered = () => events.filter((e) => e.type === "ack" || e.type === "error").length;
      const before = answered();
      proc.child.stdin?.write(JSON.stringify(cmd) + "\n");
      await waitEvent(
        () => answered() > before,
        `acknowledgement of ${cmd.cmd}`,
      );
    },
    waitEvent,
    log: () => proc.log(),
    async stop() {
      proc.child.stdin?.end();
      await proc.stop(2000);
    },
  };
  const login = await waitEvent((e) => e.type === "online" || e.type === "auth_failed", "login").catch(async (err: Error) => {
    await peer.stop();
    throw err;
  });
  if (login.type === "auth_failed") {
    await peer.stop();
    throw new Error(`slix peer ${jid}: authentication failed`);
  }
  return peer;
}
