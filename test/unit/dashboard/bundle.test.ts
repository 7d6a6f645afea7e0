/* The dashboard's browser bundle (as hub/http/dashboard.ts builds it) pulls in no node: module of
 * ours: the shared session, Link, IqCaller and SCRAM run in the browser as they are. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("the dashboard bundle", () => {
  it("imports node: modules only where @xmpp's browser build still names them, and uses the shared session", async () => {
    const esbuild = await import("esbuild");
    const nodeImports: string[] = [];
    const result = await esbuild.build({
      entryPoints: [`${root}dashboard/main.ts`],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
      plugins: [
        {
          name: "record-node-builtins",
          setup(build) {
            build.onResolve({ filter: /^node:/ }, (args) => {
              nodeImports.push(args.importer.slice(root.length));
              return { path: args.path, namespace: "empty" };
            });
            build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({
              contents: "export default {}",
              loader: "js",
            }));
          },
        },
      ],
    });
    expect(nodeImports.filter((importer) => !importer.startsWith("node_modules/@xmpp/"))).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    for (const file of ["session.ts", "scram.ts", "scram-webcrypto.ts", "link.ts", "iq-caller.ts"])
      expect(inputs).toContain(`shared/xmpp/${file}`);
    expect(inputs).not.toContain("shared/xmpp/scram-node.ts");
  });
});
