// Two projects: "unit" (beside the code, no network, fake clocks) and
// "world" (real servers and peers on loopback, started by test/world).
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources: @cusax/core resolves to packages/core/src
// through its "@cusax/source" export condition (dist/ is what users get, and
// may be stale while the sources change).
const conditions = ["@cusax/source", ...defaultServerConditions];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { conditions },
        ssr: { resolve: { conditions } },
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts"],
          environment: "node",
          testTimeout: 10_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { conditions },
        ssr: { resolve: { conditions } },
        test: {
          name: "world",
          include: ["test/world/**/*.test.ts"],
          environment: "node",
          // Generous: servers, daemons (TypeScript through tsx) and browsers
          // start slowly on two busy cores; a hang still fails.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Each file starts its own servers; two cores, so keep it modest.
          maxWorkers: 2,
          fileParallelism: true,
          // After the unit tests, so they do not compete for the two cores.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
