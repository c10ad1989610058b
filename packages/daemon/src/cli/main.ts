// The cusax command line: one file per command; this file only dispatches.
import { parseSipCommand } from "./parse-sip.js";

export type Io = {
  out: (text: string) => void;
  err: (text: string) => void;
  readInput: (path: string) => Promise<Uint8Array>;
};

export type Command = {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
};

const commands: Command[] = [parseSipCommand];

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: cusax <command> [options]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "cusax <command> --help shows a command's options.",
    "The daemon and its commands (status, contacts, send, call, ...) arrive with the daemon.",
  ].join("\n");
}

export async function main(argv: string[], io: Io = nodeIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(help() + "\n");
    return name ? EXIT.ok : EXIT.usage;
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
