#!/usr/bin/env node
// The `cusax` command: the compiled CLI (dist/, from `npm run build`). Plain
// Node, no TypeScript loader at run time.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "cusax: the compiled CLI is missing (packages/daemon/dist/cli/main.js).\n" +
      "In a checkout, run `npm run build` at the repository root first.\n",
  );
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
