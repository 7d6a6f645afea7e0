// Prints one closing line for the whole test run — "N passed, N failed" — from the JSON
// reports each vitest invocation leaves in test/artifacts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = new URL("./artifacts", import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(dir)) {
  for (const name of readdirSync(dir).filter((n) => n.startsWith("results-") && n.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(join(dir, name), "utf8"));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
