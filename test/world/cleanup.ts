// Vitest glue: everything a test file starts is stopped after the file, and
// its directory (logs, recordings, captures) is kept when any test failed.
import { afterAll, beforeEach } from "vitest";

type Stoppable = { stop(options?: { keepDir?: boolean }): Promise<void> };

export function useCleanup(): <T extends Stoppable>(thing: T) => T {
  const things: Stoppable[] = [];
  let failed = false;
  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      failed = true;
    });
  });
  afterAll(async () => {
    // Stop in reverse order (peers before servers), all in parallel per layer would race.
    for (const t of things.reverse()) await t.stop({ keepDir: failed });
  });
  return (thing) => {
    things.push(thing);
    return thing;
  };
}
