// What every daemon-backed command shares: option parsing (node:util
// parseArgs, strict), --json and --data-dir, connecting, and turning
// failures into exit codes (0 ok, 1 failure, 2 usage, 3 daemon not running).
import { parseArgs } from "node:util";
import { ApiFailure, connectDaemon, dataDirOf, DaemonDown, type DaemonClient } from "./daemon-client.js";
import type { Command, Io } from "./main.js";

export const EXIT = { ok: 0, failure: 1, usage: 2, notRunning: 3 } as const;

/** A failure the command explains itself (exit 1 unless said otherwise). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exit: number = EXIT.failure,
  ) {
    super(message);
  }
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;
export type Parsed = { flags: Record<string, string | boolean | undefined>; positionals: string[] };

export function parseCommandArgs(args: string[], options: OptionSpec, arity: { min: number; max: number }): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: { json: { type: "boolean" }, "data-dir": { type: "string" }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CommandFailure((err as Error).message, EXIT.usage);
  }
  const n = parsed.positionals.length;
  if (n < arity.min) throw new CommandFailure("missing arguments", EXIT.usage);
  if (n > arity.max) throw new CommandFailure(`unexpected argument "${parsed.positionals[arity.max]}"`, EXIT.usage);
  return { flags: parsed.values as Parsed["flags"], positionals: parsed.positionals };
}

export type ApiCommandContext = { parsed: Parsed; api: DaemonClient; io: Io };

export type ApiCommandSpec = {
  name: string;
  summary: string;
  /** Lines after "usage: " (the first is the synopsis). */
  usage: string[];
  options?: OptionSpec;
  arity: { min: number; max: number };
  /** Returns what --json prints; `text` is the human form. */
  run(ctx: ApiCommandContext): Promise<{ json: unknown; text: string; exit?: number; printed?: boolean }>;
};

function report(io: Io, name: string, json: boolean, err: unknown): number {
  const [exit, code, message] =
    err instanceof DaemonDown ? [EXIT.notRunning, "not-running", err.message]
    : err instanceof CommandFailure ? [err.exit, err.exit === EXIT.usage ? "usage" : "failed", err.message]
    : err instanceof ApiFailure ? [EXIT.failure, err.code, err.message]
    : [EXIT.failure, "internal", (err as Error).message];
  if (json) io.out(JSON.stringify({ error: { code, message } }) + "\n");
  io.err(`cusax ${name}: ${message}\n`);
  return exit;
}

export function apiCommand(spec: ApiCommandSpec): Command {
  const usage = [`usage: cusax ${spec.usage[0]}`, ...spec.usage.slice(1), "", "common options: --json (machine output on stdout), --data-dir DIR (where the daemon's api-url and api-token are)"].join("\n");
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(args, io) {
      const json = args.includes("--json");
      try {
        const parsed = parseCommandArgs(args, spec.options ?? {}, spec.arity);
        const api = await connectDaemon(dataDirOf(parsed.flags["data-dir"] as string | undefined, io.env ?? process.env), io.fetch);
        const out = await spec.run({ parsed, api, io });
        if (!out.printed) io.out(json ? JSON.stringify(out.json) + "\n" : out.text + (out.text.endsWith("\n") || out.text === "" ? "" : "\n"));
        return out.exit ?? EXIT.ok;
      } catch (err) {
        const exit = report(io, spec.name, json, err);
        if (exit === EXIT.usage) io.err(`${usage}\n`);
        return exit;
      }
    },
  };
}
