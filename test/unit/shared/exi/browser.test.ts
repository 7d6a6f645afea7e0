/* The dashboard decodes readings in the browser: the codec must bundle for a browser target
 * with no Node built-ins and no runtime dependencies. */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("../../../../shared/exi/index.ts", import.meta.url));

describe("browser bundle", () => {
  it("bundles shared/exi/index.ts for the browser from its own files only", async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(5);
    for (const input of inputs) expect(input).toMatch(/^shared\/exi\/[a-z0-9-]+\.ts$/);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bBuffer\b|node:|require\(/);
  });
});
