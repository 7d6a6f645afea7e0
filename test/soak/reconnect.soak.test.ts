import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../e2e/server";
import type { CliProcess } from "../helpers/cli";

const ping = () => xml("iq", { type: "get", to: "hub.localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" }));

describe("many Prosody kill rounds and a long outage", () => {
  let server: TestServer;
  let hub: CliProcess;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub(["--xmpp.reconnect.initialMs", "500", "--xmpp.reconnect.maxMs", "4000"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function killAndRestart(outageMs: number): Promise<void> {
    const serverProcess = server.process;
    process.kill(server.prosodyPid(), "SIGKILL");
    await serverProcess.exited;
    if (outageMs > 0) await new Promise((resolve) => setTimeout(resolve, outageMs)); // the outage itself
    const restartedAt = Date.now();
    await server.restart();
    await hub.waitForLine("stderr", (text) => text.includes(": online"), 60_000, restartedAt);
  }

  it("the hub and a client come back after each of 10 kills and after a 45 s outage", async () => {
    const client = await server.client(await server.register());
    for (const outageMs of [0, 0, 0, 0, 0, 0, 0, 0, 0, 45_000]) {
      const clientBack = new Promise<void>((resolve) => client.link.once("online", resolve));
      await killAndRestart(outageMs);
      await clientBack;
      const answers = await Promise.all(Array.from({ length: 50 }, () => client.request(ping())));
      expect(answers.every((a) => a.attrs.type === "result")).toBe(true);
    }
    expect(hub.child.exitCode).toBeNull();
  });
});
