import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { logSchema, serviceSchema } from "../../../../shared/config/common";
import { ConfigError, loadConfig } from "../../../../shared/config/load";

const schema = z.object({
  port: z.number().int().default(5222),
  xmpp: z
    .object({
      service: serviceSchema.default("xmpp://127.0.0.1:5222"),
      allowPlaintext: z.boolean().default(false),
    })
    .prefault({}),
  log: logSchema,
});

function file(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "xiot-config-")), "config.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("configuration loading", () => {
  it("fills defaults, including nested ones", () => {
    const { config } = loadConfig({ schema, env: {} });
    expect(config).toEqual({
      port: 5222,
      xmpp: { service: "xmpp://127.0.0.1:5222", allowPlaintext: false },
      log: { level: "info", format: "pretty" },
    });
    expect(Object.isFrozen(config.xmpp)).toBe(true);
  });

  it("layers flags over XIOT_ variables over the file over defaults", () => {
    const path = file({ port: 1, xmpp: { service: "xmpp://file:1" }, log: { level: "warn" } });
    const env = { XIOT_PORT: "2", XIOT_XMPP__SERVICE: "xmpp://env:2", XIOT_XMPP__ALLOWPLAINTEXT: "true" };
    const { config } = loadConfig({ schema, env, argv: ["--config", path, "--port", "3"] });
    expect(config.port).toBe(3);
    expect(config.xmpp.service).toBe("xmpp://env:2");
    expect(config.xmpp.allowPlaintext).toBe(true);
    expect(config.log.level).toBe("warn");
  });

  it("names the key as the user gave it, and the bad value", () => {
    expect(() => loadConfig({ schema, env: {}, argv: ["--xmpp.service", "nonsense"] })).toThrow(
      '--xmpp.service: expected a service URI such as xmpp://127.0.0.1:5222, got "nonsense"',
    );
    expect(() => loadConfig({ schema, env: { XIOT_LOG__LEVEL: "loud" } })).toThrow(
      'XIOT_LOG__LEVEL: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud"',
    );
    expect(() =>
      loadConfig({ schema, env: {}, argv: ["--config", file({ xmpp: { allowPlaintext: "yes" } })] }),
    ).toThrow(/^"xmpp.allowPlaintext" in config.json: expected true or false, got "yes"$/);
  });

  it("names the config file when it is missing or not JSON", () => {
    expect(() => loadConfig({ schema, env: {}, argv: ["--config", "/nonexistent.json"] })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ schema, env: {}, argv: ["--config", file("{ nope")] })).toThrow(
      /configuration key "config": .* is not valid JSON/,
    );
  });

  it("reports keys that match nothing in the schema", () => {
    const { unknown } = loadConfig({ schema, env: { XIOT_XMPP__SERVISE: "x" }, argv: ["--prot", "1"] });
    expect(unknown.sort()).toEqual(["prot", "xmpp.servise"]);
  });

  it("puts a command's own defaults below flags, variables and the file", () => {
    const defaults = { log: { level: "warn" } };
    expect(loadConfig({ schema, env: {}, defaults }).config.log.level).toBe("warn");
    expect(loadConfig({ schema, env: {}, defaults, argv: ["--log.level", "info"] }).config.log.level).toBe(
      "info",
    );
    expect(loadConfig({ schema, env: { XIOT_LOG__LEVEL: "debug" }, defaults }).config.log.level).toBe(
      "debug",
    );
    const path = file({ log: { level: "error" } });
    expect(loadConfig({ schema, env: {}, defaults, argv: ["--config", path] }).config.log.level).toBe(
      "error",
    );
  });
});
