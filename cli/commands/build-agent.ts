/* `xiot build-agent`: release folders of the agent for Linux arm64, armv7 and x64 (cli/flash/build.ts),
 * each with the Node runtime from the registry unless --node system. */
import { resolve } from "node:path";
import { type Command, printReady, reportFailure, UsageError } from "../command";
import { oneOf, parseArgs } from "../flash/args";
import { buildRelease } from "../flash/build";
import { ARCHES, type Arch, DEFAULT_CACHE, DEFAULT_OUT, ROOT } from "../flash/layout";

export const buildAgentCommand: Command = {
  name: "build-agent",
  summary: "Build release bundles of the agent for Linux boards (one file, native packages, Node, units)",
  usage: "xiot build-agent [--arch arm64|armv7|x64|all] [--out dist/agent] [--node bundled|system]",
  options: [
    {
      flag: "--arch A",
      description: "arm64 (Pi 3/4/5, 64-bit OS), armv7 (32-bit OS), x64, or all (default all)",
    },
    { flag: "--out DIR", description: `releases go to DIR/<arch> (default ${DEFAULT_OUT})` },
    {
      flag: "--node N",
      description:
        "bundled: carry Node from the registry's node-linux-<arch> (default); system: use the board's",
    },
    { flag: "--cache DIR", description: `downloaded runtimes (default the project's ${DEFAULT_CACHE})` },
  ],
  async run(argv) {
    try {
      const args = parseArgs(argv, { values: ["arch", "out", "node", "cache"], switches: [] });
      if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
      const arch = oneOf("arch", args.values.arch, [...ARCHES, "all"] as const) ?? "all";
      const node = oneOf("node", args.values.node, ["bundled", "system"] as const) ?? "bundled";
      const out = resolve(args.values.out ?? DEFAULT_OUT);
      const cache = args.values.cache ? resolve(args.values.cache) : resolve(ROOT, DEFAULT_CACHE);
      const arches: Arch[] = arch === "all" ? [...ARCHES] : [arch];
      for (const a of arches) {
        const dir = resolve(out, a);
        process.stderr.write(`xiot build-agent: building ${a} into ${dir}\n`);
        const m = await buildRelease({ arch: a, dir, node, cache });
        const bytes = m.files.reduce((n, f) => n + f.bytes, 0);
        printReady({
          built: dir,
          version: m.version,
          arch: m.arch,
          node: m.node,
          sysfsGpio: m.gpio.sysfs,
          bundleBytes: m.bundleBytes,
          releaseBytes: bytes,
        });
      }
      return 0;
    } catch (error) {
      return reportFailure("build-agent", error);
    }
  },
};
