/* The agent's state folder default (agent/config.ts): per user, named after the device. */
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentSchema, defaultStateDir } from "../../../agent/config";

const minimal = {
  device: { id: "kitchen-1" },
  xmpp: { service: "xmpp://127.0.0.1:5222", domain: "localhost", password: "x" },
  channels: { t: { model: "sim-temperature" } },
};

describe("the agent's state folder", () => {
  it("defaults to $XDG_STATE_HOME/xiot/agent-<device id>", () => {
    expect(defaultStateDir("kitchen-1", { XDG_STATE_HOME: "/var/state/me" }, "/home/me")).toBe(
      "/var/state/me/xiot/agent-kitchen-1",
    );
  });

  it("falls back to ~/.local/state when XDG_STATE_HOME is unset, empty or relative", () => {
    for (const env of [{}, { XDG_STATE_HOME: "" }, { XDG_STATE_HOME: "state" }])
      expect(defaultStateDir("kitchen-1", env, "/home/me")).toBe(
        "/home/me/.local/state/xiot/agent-kitchen-1",
      );
  });

  it("is what the parsed configuration holds when state.dir is not given", () => {
    const config = agentSchema.parse(minimal);
    expect(config.state.dir).toBe(defaultStateDir("kitchen-1"));
    expect(
      config.state.dir.startsWith(process.env.XDG_STATE_HOME || join(homedir(), ".local", "state")),
    ).toBe(true);
  });

  it("a configured state.dir still wins", () => {
    const config = agentSchema.parse({ ...minimal, state: { dir: "/var/lib/xiot" } });
    expect(config.state.dir).toBe("/var/lib/xiot");
  });
});
