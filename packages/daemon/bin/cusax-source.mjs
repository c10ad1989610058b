#!/usr/bin/env node
// Development only (not shipped): the `cusax` command from the TypeScript
// sources through tsx, with @cusax/core resolved to its src/ through the
// "@cusax/source" export condition. The world tests spawn this one, so a
// test never runs a stale dist/ while sources change.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
// Registered last, so it runs first: adds the condition, then tsx resolves.
register(
  "data:text/javascript," +
    encodeURIComponent(
      "export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, '@cusax/source'] }); }",
    ),
);
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
