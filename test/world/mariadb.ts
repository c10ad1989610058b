// MariaDB 10.11 as a private database server of the test world (test-world.md §9): a fresh data
// directory per world, root without a password on a private socket and 127.0.0.1:<free port>,
// started with --no-defaults so no system-wide option file applies; queries through the `mariadb` client.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeWorldDir, removeWorldDir } from "./dir.js";
import { freePort, LOOPBACK } from "./ports.js";
import { run, startProcess, type Managed } from "./process.js";
import { until } from "./wait.js";

export type Mariadb = {
  readonly host: string;
  readonly port: number;
  /** The server's own Unix socket (the `mariadb` client of query() uses it). */
  readonly socket: string;
  readonly dir: string;
  /** The server's error log (--log-error). */
  readonly logFile: string;
  /** Runs `sql` as root (in `database` when given); resolves with the client's batch output (tab-separated, header first). */
  query(sql: string, database?: string): Promise<string>;
  /** Runs a SELECT and returns its rows as column -> value (NULL as null). */
  rows(sql: string, database?: string): Promise<Record<string, string | null>[]>;
  log(): string;
  stop(options?: { keepDir?: boolean }): Promise<void>;
};

/** Undoes the `mariadb --batch` escapes of one field (\t \n \\ \0); "NULL" is SQL NULL. */
function unescapeField(field: string): string | null {
  if (field === "NULL") return null;
  return field.replace(/\\([tn0\\])/g, (_, c: string) => ({ t: "\t", n: "\n", "0": "\0", "\\": "\\" })[c] ?? c);
}

/** Rows of `mariadb --batch` output: the first line names the columns. */
export function parseBatch(output: string): Record<string, string | null>[] {
  const lines = output.split("\n").filter((l) => l.length > 0);
  const [header, ...body] = lines;
  if (header === undefined) return [];
  const columns = header.split("\t");
  return body.map((line) => {
    const fields = line.split("\t");
    return Object.fromEntries(columns.map((c, i) => [c, unescapeField(fields[i] ?? "NULL")]));
  });
}

export async function startMariadb(options: { label?: string } = {}): Promise<Mariadb> {
  const dir = makeWorldDir(options.label ?? "mariadb");
  const data = join(dir, "data");
  mkdirSync(data);
  await run("mariadb-install-db", [
    "--no-defaults", `--datadir=${data}`, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db",
  ]);
  const port = await freePort();
  const socket = join(dir, "mariadb.sock");
  const logFile = join(dir, "mariadb.log");
  const proc: Managed = startProcess("mariadb", "mariadbd", [
    "--no-defaults", `--datadir=${data}`, `--socket=${socket}`, `--bind-address=${LOOPBACK}`, `--port=${port}`,
    "--user=root", `--pid-file=${join(dir, "mariadb.pid")}`, `--log-error=${logFile}`,
  ], { logFile: join(dir, "mariadbd.out"), cwd: dir });
  const query = (sql: string, database?: string) =>
    run("mariadb", ["--no-defaults", `--socket=${socket}`, "--user=root", "--batch", "-e", sql, ...(database ? [database] : [])]);
  await until("MariaDB to answer a query", async () => {
    if (proc.child.exitCode !== null) throw new Error(`mariadbd exited: ${proc.log()}`);
    return (await query("SELECT 1 AS ready")).includes("ready");
  }, { timeoutMs: 60_000, intervalMs: 50 }).catch(async (err: unknown) => {
    await proc.stop();
    removeWorldDir(dir, true);
    throw err;
  });
  return {
    host: LOOPBACK,
    port,
    socket,
    dir,
    logFile,
    query,
    rows: async (sql, database) => parseBatch(await query(sql, database)),
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "") + proc.log(),
    async stop({ keepDir = false } = {}) {
      await proc.stop(10_000);
      removeWorldDir(dir, keepDir);
    },
  };
}
