import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { logSchema } from "../../../../shared/config/common";
import { loadConfig } from "../../../../shared/config/load";
import { editDistance, nearest } from "../../../../shared/config/wording";

const schema = z.object({
  agent: z.object({ intervalMs: z.number().int().min(10).default(1000) }).prefault({}),
  channels: z.record(z.string(), z.unknown()).default({}),
  xmpp: z
    .object({ password: z.string().min(1).optional(), allowPlaintext: z.boolean().default(false) })
    .prefault({}),
  log: logSchema,
});

function agentJson(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "xiot-wording-")), "agent.json");
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadConfig({ schema, argv, env });

describe("configuration errors in the user's words", () => {
  it("uses the flag as typed, camelCase or kebab-case, and says what was expected and got", () => {
    expect(() => load(["--agent.intervalMs", "abc"])).toThrow(
      '--agent.intervalMs: expected a number, got "abc"',
    );
    expect(() => load(["--agent.interval-ms", "abc"])).toThrow(
      '--agent.interval-ms: expected a number, got "abc"',
    );
    expect(() => load(["--agent.intervalMs=2.5"])).toThrow(
      "--agent.intervalMs: expected a whole number, got 2.5",
    );
    expect(() => load(["--agent.intervalMs", "5"])).toThrow("--agent.intervalMs: must be at least 10, got 5");
    expect(() => load(["--xmpp.password", ""])).toThrow('--xmpp.password: must not be empty, got ""');
  });

  it("names the XIOT_ variable, and the key in the file, whichever gave the value", () => {
    expect(() => load([], { XIOT_AGENT__INTERVALMS: "abc" })).toThrow(
      'XIOT_AGENT__INTERVALMS: expected a number, got "abc"',
    );
    const file = agentJson({ agent: { intervalMs: "abc" } });
    expect(() => load(["--config", file])).toThrow(
      '"agent.intervalMs" in agent.json: expected a number, got "abc"',
    );
    // A flag wins over the file: the flag is what to fix.
    expect(() => load(["--config", file, "--agent.intervalMs", "x"])).toThrow(
      '--agent.intervalMs: expected a number, got "x"',
    );
  });

  it("suggests the nearest key for a misspelt key in the JSON file", () => {
    const { warnings, unknown } = load([
      "--config",
      agentJson({ chanels: {}, xmpp: { pasword: "x" }, zzz: 1 }),
    ]);
    expect(unknown.sort()).toEqual(["chanels", "xmpp.pasword", "zzz"]);
    expect(warnings.sort()).toEqual([
      'unknown key "chanels" in agent.json; did you mean "channels"?',
      'unknown key "xmpp.pasword" in agent.json; did you mean "xmpp.password"?',
      'unknown key "zzz" in agent.json (ignored)',
    ]);
  });

  it("suggests the nearest flag and variable as the user would type them", () => {
    expect(load(["--xmpp.pasword", "x"]).warnings).toEqual([
      "unknown flag --xmpp.pasword; did you mean --xmpp.password?",
    ]);
    expect(load(["--xmpp.allow-plaintxt"]).warnings).toEqual([
      "unknown flag --xmpp.allow-plaintxt; did you mean --xmpp.allowPlaintext?",
    ]);
    expect(load([], { XIOT_XMPP__PASWORD: "x" }).warnings).toEqual([
      "unknown variable XIOT_XMPP__PASWORD; did you mean XIOT_XMPP__PASSWORD?",
    ]);
  });
});

describe("edit distance", () => {
  it("counts insertions, deletions and substitutions, ignoring case", () => {
    expect(editDistance("chanels", "channels")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("Password", "password")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("lgo", "log")).toBe(1);
  });

  it("suggests only what is near enough to be a slip", () => {
    expect(nearest("chanels", ["channels", "xmpp", "log"])).toBe("channels");
    expect(nearest("lgo", ["log", "xmpp"])).toBe("log");
    expect(nearest("banana", ["channels", "xmpp", "log"])).toBeUndefined();
  });
});
