// The cusax command line: one file per command; this file only dispatches.
import { readFileSync } from "node:fs";
import { addCommand } from "./add.js";
import { answerCommand } from "./answer.js";
import { approveCommand } from "./approve.js";
import { callCommand } from "./call.js";
import { callsCommand } from "./calls.js";
import { contactsCommand } from "./contacts.js";
import type { Env, FetchLike } from "./daemon-client.js";
import { daemonCommand } from "./daemon.js";
import { denyCommand } from "./deny.js";
import { dtmfCommand } from "./dtmf.js";
import { hangupCommand } from "./hangup.js";
import { historyCommand } from "./history.js";
import { holdCommand } from "./hold.js";
import { EXIT } from "./kit.js";
import { linkCommand } from "./link.js";
import { openCommand } from "./open.js";
import { parseSipCommand } from "./parse-sip.js";
import { presenceCommand } from "./presence.js";
import { removeCommand } from "./remove.js";
import { renameCommand } from "./rename.js";
import { resumeCommand } from "./resume.js";
import { sendCommand } from "./send.js";
import { statusCommand } from "./status.js";
import { tailCommand } from "./tail.js";
import { transferCommand } from "./transfer.js";

export type Io = {
  out: (text: string) => void;
  err: (text: string) => void;
  readInput: (path: string) => Promise<Uint8Array>;
  /** Default process.env. */
  env?: Env;
  /** Default the global fetch (tests give a fake daemon). */
  fetch?: FetchLike;
};

export type Command = {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
};

const commands: Command[] = [
  daemonCommand, statusCommand, contactsCommand, addCommand, sendCommand, callCommand, callsCommand, answerCommand, hangupCommand,
  holdCommand, resumeCommand, dtmfCommand, transferCommand, historyCommand, linkCommand, tailCommand, presenceCommand, renameCommand, removeCommand,
  approveCommand, denyCommand, openCommand, parseSipCommand,
];

export { EXIT };

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: cusax <command> [options]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "cusax <command> --help shows a command's options.",
    "Exit status: 0 ok, 1 failure, 2 usage, 3 the daemon is not running.",
    "The daemon is found through <dataDir>/api-url and api-token (--data-dir, CUSAX_DATA_DIR, or ~/.local/share/cusax).",
  ].join("\n");
}

export async function main(argv: string[], io: Io = nodeIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(help() + "\n");
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`cusax ${version()}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`cusax: unknown command "${name}"\n\n${help()}\n`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`${command.usage}\n`);
    return EXIT.ok;
  }
  return command.run(rest, io);
}

/** The daemon package's version (package.json beside src/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

export function nodeIo(): Io {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    async readInput(path) {
      const { readFile } = await import("node:fs/promises");
      if (path !== "-") return readFile(path);
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
  };
}
