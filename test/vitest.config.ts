import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));
// Every run also leaves a JSON report; test/summary.mjs adds them up for CI's closing line.
const report = `test/artifacts/results-${Date.now()}-${process.pid}.json`;

export default defineConfig({
  test: {
    root,
    reporters: ["default", ["json", { outputFile: report }]],
    projects: [
      {
        test: {
          name: "unit",
          root,
          include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts", "test/devices/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "e2e",
          root,
          include: ["test/e2e/**/*.e2e.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each e2e file starts its own Prosody; two cores run two files at a time.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: "soak",
          root,
          include: ["test/soak/**/*.soak.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
