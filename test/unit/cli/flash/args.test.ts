import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../../cli/command";
import { oneOf, parseArgs } from "../../../../cli/flash/args";
import { ROOT } from "../../../../cli/flash/layout";
import { closure, epollUsable } from "../../../../cli/flash/natives";

const spec = { values: ["to", "boot"], switches: ["dry-run"] };

describe("parseArgs", () => {
  it("reads positionals, values (spaced or with =) and switches", () => {
    const a = parseArgs(["dev", "--to", "/r", "--boot=/b", "--dry-run"], spec);
    expect(a.positional).toEqual(["dev"]);
    expect(a.values).toEqual({ to: "/r", boot: "/b" });
    expect([...a.switches]).toEqual(["dry-run"]);
  });

  it("names the flag of each mistake", () => {
    expect(() => parseArgs(["--to"], spec)).toThrow("--to needs a value");
    expect(() => parseArgs(["--to", "--dry-run"], spec)).toThrow("--to needs a value");
    expect(() => parseArgs(["--dry-run=1"], spec)).toThrow("--dry-run takes no value");
    expect(() => parseArgs(["--force"], spec)).toThrow(UsageError);
    expect(() => oneOf("arch", "sparc", ["arm64", "x64"])).toThrow(
      '--arch must be one of arm64, x64 (got "sparc")',
    );
    expect(oneOf("arch", undefined, ["arm64"])).toBeUndefined();
  });
});

describe("native packages", () => {
  it("takes serialport with its runtime dependencies, never build-only ones", () => {
    const names = closure(["serialport"], ROOT).map((d) => relative(ROOT, d));
    expect(names).toContain("node_modules/@serialport/bindings-cpp");
    expect(names).toContain("node_modules/node-gyp-build");
    expect(names.some((n) => n.endsWith("/node-addon-api"))).toBe(false);
  });

  it("ships onoff's epoll only to a board of this machine's architecture and Node", () => {
    expect(epollUsable(ROOT, "armv7", 20)).toBe(false);
    expect(epollUsable(ROOT, "x64", 18)).toBe(false);
  });
});
