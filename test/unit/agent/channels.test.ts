import { describe, expect, it } from "vitest";
import { planChannels } from "../../../agent/channels";
import { type AgentConfig, agentSchema } from "../../../agent/config";
import { ConfigError } from "../../../shared/config/errors";

const config = (channels: Record<string, unknown>): AgentConfig =>
  agentSchema.parse({
    device: { id: "d1" },
    xmpp: { service: "xmpp://127.0.0.1:5222", domain: "localhost", password: "x" },
    channels,
  });

const keyOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return `${error.key}: ${error.problem}`;
    throw error;
  }
  return "no error";
};

describe("channel plans", () => {
  it("names a one-channel model after its entry and a many-channel model <entry>_<channel>", () => {
    const plans = planChannels(
      config({
        inside: { model: "sim-temperature" },
        air: {
          model: "iio",
          options: { device: "bme280", channels: [{ attribute: "in_temp" }, { attribute: "in_pressure" }] },
        },
      }),
    );
    expect(plans.map((p) => p.channels.map((c) => c.name))).toEqual([
      ["inside"],
      ["air_temperature", "air_pressure"],
    ]);
    expect([...(plans[0]?.names ?? [])]).toEqual([["temperature", "inside"]]);
  });

  it("names the key of an unknown model, a missing option and a clash", () => {
    expect(keyOf(() => planChannels(config({ t: { model: "nope" } })))).toMatch(
      /^channels\.t\.model: unknown device model "nope"/,
    );
    expect(keyOf(() => planChannels(config({ r: { model: "gpio-relay" } })))).toMatch(
      /^channels\.r\.options\.pin: gpio-relay: /,
    );
    expect(
      keyOf(() =>
        planChannels(
          config({
            a_b: { model: "sim-temperature" },
            a: {
              model: "iio",
              options: {
                device: "x",
                channels: [{ attribute: "in_temp", channel: "b" }, { attribute: "in_pressure" }],
              },
            },
          }),
        ),
      ),
    ).toMatch(/^channels\.a: channel "a_b" is also produced by channels\.a_b/);
  });

  it("refuses impossible intervals and unknown channel keys in the schema", () => {
    const issue = (channels: Record<string, unknown>) => {
      const r = agentSchema.safeParse({
        device: { id: "d1" },
        xmpp: { service: "xmpp://h:1", domain: "h", password: "p" },
        channels,
      });
      return r.success ? "ok" : r.error.issues[0]?.path.join(".");
    };
    expect(issue({ t: { model: "sim-temperature", intervalMs: 0 } })).toBe("channels.t.intervalMs");
    expect(issue({ t: { model: "sim-temperature", intervalMs: 1.5 } })).toBe("channels.t.intervalMs");
    expect(issue({ t: { model: "sim-temperature", intervalMs: 90_000_000 } })).toBe("channels.t.intervalMs");
    expect(issue({ t: { model: "sim-temperature", period: 5 } })).toBe("channels.t");
    expect(issue({ T: { model: "sim-temperature" } })).toBe("channels.T");
    expect(issue({})).toBe("channels");
    expect(issue({ t: { model: "sim-temperature", filters: { clamp: { min: 5, max: 1 } } } })).toBe(
      "channels.t.filters.clamp",
    );
  });
});

describe("agent configuration layers", () => {
  it("takes channel keys from XIOT_ variables over the file, in any case", async () => {
    const { loadConfig } = await import("../../../shared/config/load");
    const { config: loaded } = loadConfig({
      schema: agentSchema,
      argv: [
        "--config",
        "examples/agent-simulated.json",
        "--xmpp.password",
        "p",
        "--channels.humidity.filters.heartbeatMs",
        "1000",
      ],
      env: {
        XIOT_CHANNELS__TEMPERATURE__INTERVALMS: "250",
        XIOT_CHANNELS__RELAY__SAFESTATE: "true",
        XIOT_DEVICE__ID: "env-1",
      },
    });
    expect(loaded.device.id).toBe("env-1");
    expect(loaded.channels.temperature?.intervalMs).toBe(250);
    expect(loaded.channels.temperature?.filters).toEqual({ deadband: 0.05, heartbeatMs: 60000 });
    expect(loaded.channels.relay?.safeState).toBe(true);
    expect(loaded.channels.humidity?.filters.heartbeatMs).toBe(1000);
    expect(loaded.batch.maxReadings).toBe(100);
  });
});
