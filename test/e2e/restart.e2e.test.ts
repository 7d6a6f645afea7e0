import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, jsonLogLines } from "../helpers/cli";
import { startServer, type TestServer } from "./server";

describe("Prosody killed with SIGKILL and restarted on the same ports", () => {
  let server: TestServer;
  let hub: CliProcess;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("the hub and a client reconnect by themselves, the hub backing off between attempts", async () => {
    const client = await server.client(await server.register());
    const clientBack = new Promise<void>((resolve) => client.link.once("online", resolve));
    const serverProcess = server.process;
    process.kill(server.prosodyPid(), "SIGKILL");
    // `xiot server` notices that Prosody died and exits non-zero.
    expect((await serverProcess.exited).code).toBe(1);
    // Let the hub fail at least three attempts before the server comes back.
    await hub.waitForLine("stderr", (text) => text.includes('"attempt":3'), 30_000);
    const restartedAt = Date.now();
    await server.restart();
    await hub.waitForLine("stderr", (text) => text.includes(": online"), 60_000, restartedAt);
    await clientBack;

    const retries = jsonLogLines(hub.stderr).filter((l) => typeof l.attempt === "number");
    expect(retries.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < retries.length; i++) {
      const previous = retries[i - 1]!;
      const spacing = retries[i]!.at - previous.at;
      // Each retry waits the delay it announced (full jitter: between half and all of 2^n s).
      expect(spacing).toBeGreaterThanOrEqual((previous.delayMs as number) - 50);
      expect(previous.delayMs as number).toBeGreaterThanOrEqual(
        500 * 2 ** ((previous.attempt as number) - 1),
      );
    }

    const answer = await client.request(
      xml("iq", { type: "get", to: "hub.localhost" }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    expect(answer.attrs.type).toBe("result");
  });
});
