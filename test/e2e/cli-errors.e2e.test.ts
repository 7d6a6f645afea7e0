import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogLines, runXiot } from "../helpers/cli";
import { startServer, type TestServer } from "./server";

describe("the xiot CLI on bad input", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a wrong component secret: one clear line per attempt, backing off, never spinning", async () => {
    const hub = runXiot([
      "hub",
      "--server-dir",
      server.dir,
      "--xmpp.password",
      "wrong",
      "--log.format",
      "json",
    ]);
    // Observe a full 10 s window: the assertion is about the rate of attempts within it.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await hub.stop();
    const attempts = jsonLogLines(hub.stderr).filter((l) => typeof l.attempt === "number");
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBeLessThanOrEqual(5);
    for (const line of attempts) {
      expect(line.msg).toContain("refused the component secret");
      expect(line.msg).toContain("xmpp.password");
    }
    expect(hub.stdout).toEqual([]);
  });

  it("xiot server with a port already taken exits non-zero naming the port", async () => {
    const proc = runXiot(["server", "--dir", `${server.dir}-other`, "--c2s-port", String(server.ports.c2s)]);
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(`port ${server.ports.c2s} (c2s, --c2s-port)`);
  });

  it.each([
    [
      ["hub", "--xmpp.service", "nonsense", "--xmpp.domain", "hub.localhost", "--xmpp.password", "x"],
      "xmpp.service",
    ],
    [["server", "--log.level", "loud"], "log.level"],
    [["hub", "--server-dir", "/nonexistent", "--log.level", "verbose"], "log.level"],
    [["server", "--c2s-port", "70000"], "c2sPort"],
  ])("bad configuration %j exits 2 naming %s", async (args, key) => {
    const proc = runXiot(args);
    const { code } = await proc.exited;
    expect(code).toBe(2);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(`configuration key "${key}"`);
  });

  it("a configuration value from an XIOT_ variable is validated the same way", async () => {
    const proc = runXiot(["server"], { env: { XIOT_LOG__LEVEL: "chatty" } });
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain('configuration key "log.level"');
  });
});

describe("a peer that sends malformed XML", () => {
  let fake: Server;
  const connections: Socket[] = [];

  beforeAll(async () => {
    // A fake component listener: opens the stream, then sends a character XML forbids.
    fake = createServer((socket) => {
      connections.push(socket);
      socket.once("data", () => {
        socket.write(
          "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' " +
            "xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='hub.localhost'>",
        );
        socket.write("<message>&#0;</message>");
      });
      socket.on("error", () => {
        // The hub closes the connection with a stream error; nothing to do here.
      });
    });
    fake.listen(0, "127.0.0.1");
    await once(fake, "listening");
  });
  afterAll(() => {
    for (const socket of connections) socket.destroy();
    fake?.close();
  });

  it("the process survives, logs, and reconnects", async () => {
    const address = fake.address() as { port: number };
    const hub = runXiot([
      "hub",
      "--xmpp.service",
      `xmpp://127.0.0.1:${address.port}`,
      "--xmpp.domain",
      "hub.localhost",
      "--xmpp.password",
      "secret",
      "--log.format",
      "json",
    ]);
    const second = new Promise<void>((resolve) =>
      fake.on("connection", () => connections.length >= 2 && resolve()),
    );
    await second;
    expect(hub.child.exitCode).toBeNull();
    const retries = jsonLogLines(hub.stderr).filter((l) => typeof l.attempt === "number");
    expect(retries[0]?.msg).toMatch(/Illegal XML character|XML/);
    await hub.stop();
    expect((await hub.exited).code).toBe(0);
  });
});
