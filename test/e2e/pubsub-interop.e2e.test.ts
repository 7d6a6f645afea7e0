import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYTHON, runInteropScript } from "../helpers/interop";
import { startServer, type TestServer } from "./server";

const SCRIPT = fileURLToPath(new URL("../interop/pubsub_slixmpp.py", import.meta.url));

const runScript = (args: string[]) => runInteropScript(SCRIPT, args);

describe("PubSub interoperability with slixmpp", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("slixmpp's xep_0060 creates, configures, subscribes, publishes, reads, retracts and deletes", async () => {
    expect(existsSync(PYTHON), "python3-slixmpp needs Debian's /usr/bin/python3").toBe(true);
    const owner = await server.register("slix-owner");
    const subscriber = await server.register("slix-sub");
    const { steps, code, stderr } = await runScript([
      "127.0.0.1",
      String(server.ports.c2s),
      "hub.localhost",
      owner.jid,
      owner.password,
      subscriber.jid,
      subscriber.password,
      "interop/slixmpp",
    ]);
    const byName = Object.fromEntries(steps.map((s) => [s.step, s]));
    const context = `steps: ${JSON.stringify(steps)}\nstderr: ${stderr}`;
    expect(
      steps.map((s) => `${s.step}:${s.ok}`),
      context,
    ).toEqual([
      "connect:true",
      "create:true",
      "configure:true",
      "subscribe:true",
      "publish:true",
      "notification:true",
      "items:true",
      "retract:true",
      "delete:true",
    ]);
    expect(code).toBe(0);
    expect(byName.configure).toMatchObject({ title: "Renamed by slixmpp", max_items: "10" });
    expect(byName.subscribe).toMatchObject({ subscription: "subscribed", jid: subscriber.jid });
    expect(byName.publish).toMatchObject({ id: "slix-1" });
    expect(byName.notification).toMatchObject({ node: "interop/slixmpp", id: "slix-1", payload: "21.5" });
    expect(byName.items).toMatchObject({ ids: ["slix-1"] });
    expect(byName.retract).toMatchObject({ retracted: "slix-1" });
    expect(byName.delete).toMatchObject({ deleted: "interop/slixmpp" });
  });
});
