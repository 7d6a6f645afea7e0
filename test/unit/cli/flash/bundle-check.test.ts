import { describe, expect, it } from "vitest";
import { bundleProblems, isLoopbackHost } from "../../../../cli/flash/bundle-check";

describe("bundle check", () => {
  it("knows loopback hosts: 127.0.0.0/8, ::1, localhost", () => {
    for (const h of ["127.0.0.1", "127.8.9.10", "[::1]", "::1", "localhost", "LocalHost", "a.localhost"])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["10.0.0.1", "128.0.0.1", "iot.example.org", "::2", "localhost.example.org"])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it("names a loopback server and simulated channels, and nothing for a board's bundle", () => {
    const sim = { temperature: { model: "sim-temperature" }, relay: { model: "sim-relay" } };
    const problems = bundleProblems({ xmpp: { service: "xmpp://127.0.0.1:40123" }, channels: sim });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/xmpp:\/\/127\.0\.0\.1:40123 is this machine's loopback .*--server/);
    expect(problems[1]).toContain("temperature (sim-temperature), relay (sim-relay)");
    expect(bundleProblems({ xmpp: { service: "xmpp://[::1]:5222" }, channels: {} })).toHaveLength(1);
    const board = { xmpp: { service: "xmpp://iot.example.org:5222" }, channels: { t: { model: "ds18b20" } } };
    expect(bundleProblems(board)).toEqual([]);
  });
});
