// `cusax daemon [--config PATH] [--log-level LEVEL]`: runs the daemon in the
// foreground until SIGINT or SIGTERM, then stops gracefully and exits 0.
import { readFileSync } from "node:fs";
import { ConfigProblem, defaultConfigPath, resolveConfig } from "../config/config.js";
import { CommandFailure, EXIT, parseCommandArgs } from "./kit.js";
import type { Command } from "./main.js";

/** The config file's JSON; a missing default file is no file, a missing --config is an error. */
export function readConfigFile(path: string, explicit: boolean): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CommandFailure(`cannot read the config file ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CommandFailure(`the config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

const usage = [
  "usage: cusax daemon [--config PATH] [--log-level debug|info|warn|error]",
  "",
  "Holds both accounts and serves the API on loopback; logs JSON lines to stderr.",
  "Config: --config PATH, else $XDG_CONFIG_HOME/cusax/config.json; CUSAX_* environment variables override it.",
  "Writes <dataDir>/api-url and <dataDir>/api-token (0600) for the other commands. Stops on SIGINT/SIGTERM.",
].join("\n");

export const daemonCommand: Command = {
  name: "daemon",
  summary: "run the daemon (both accounts and the API) in the foreground",
  usage,
  async run(args, io) {
    const env = io.env ?? process.env;
    try {
      const { flags } = parseCommandArgs(args, { config: { type: "string" }, "log-level": { type: "string" } }, { min: 0, max: 0 });
      const path = (flags.config as string | undefined) ?? defaultConfigPath(env);
      const level = flags["log-level"] as string | undefined;
      const config = resolveConfig({
        file: readConfigFile(path, flags.config !== undefined),
        env: level ? { ...env, CUSAX_LOG_LEVEL: level } : env,
        readSecretFile: (p) => readFileSync(p, "utf8"),
        path,
      });
      // Loaded here so that the other commands do not load the whole library.
      const { startDaemon } = await import("../daemon/run-daemon.js");
      const daemon = await startDaemon(config);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void daemon.stop().finally(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      return EXIT.ok;
    } catch (err) {
      if (err instanceof ConfigProblem) io.err(`cusax daemon: ${err.message}\n`);
      else io.err(`cusax daemon: ${(err as Error).message}\n`);
      if (err instanceof CommandFailure && err.exit === EXIT.usage) {
        io.err(`${usage}\n`);
        return EXIT.usage;
      }
      return EXIT.failure;
    }
  },
};
