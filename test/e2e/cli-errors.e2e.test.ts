import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("xiot server with a port already taken exits non-zero naming the port", async () => {
    const proc = runXiot(["server", "--dir", `${server.dir}-other`, "--c2s-port", String(server.ports.c2s)]);
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(`port ${server.ports.c2s} (c2s, --c2s-port)`);
  });

  it.each([
    [
      ["hub", "--xmpp.service", "nonsense", "--xmpp.domain", "hub.localhost", "--xmpp.password", "x"],
      '--xmpp.service: expected a service URI such as xmpp://127.0.0.1:5222, got "nonsense"',
    ],
    [["server", "--log.level", "loud"], '--log.level: expected one of "fatal", "error"'],
    [["hub", "--server-dir", "/nonexistent", "--log.level", "verbose"], "--log.level: expected one of"],
    [["server", "--c2s-port", "70000"], "--c2s-port: must be at most 65535, got 70000"],
    [["server", "--c2sPort", "abc"], '--c2sPort: expected a number, got "abc"'],
  ])("bad configuration %j exits 2 naming the flag as typed: %s", async (args, words) => {
    const proc = runXiot(args);
    const { code } = await proc.exited;
    expect(code).toBe(2);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(words);
  });

  it("a configuration value from an XIOT_ variable is validated the same way, naming the variable", async () => {
    const proc = runXiot(["server"], { env: { XIOT_LOG__LEVEL: "chatty" } });
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain('XIOT_LOG__LEVEL: expected one of "fatal"');
  });

  it("a misspelt key in the agent's JSON file is named with the key it probably meant", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-misspelt-"));
    const file = join(dir, "agent.json");
    writeFileSync(file, JSON.stringify({ chanels: { t: { model: "sim-temperature" } } }));
    const proc = runXiot(["agent", "--config", file, "--state.dir", dir]);
    expect((await proc.exited).code).toBe(2);
    const stderr = proc.stderr.map((l) => l.text);
    expect(stderr).toContain(
      'xiot agent: warning: unknown key "chanels" in agent.json; did you mean "channels"?',
    );
  });

  it("a misspelt flag is named with the flag it probably meant", async () => {
    const proc = runXiot(["get", "sim-1", "--dir", "/nonexistent", "--xmpp.pasword", "x"]);
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(
      "unknown flag --xmpp.pasword; did you mean --xmpp.password?",
    );
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
