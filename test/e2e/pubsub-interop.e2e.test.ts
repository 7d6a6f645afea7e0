/* Interoperability: slixmpp's XEP-0060 plugin (Debian's python3-slixmpp), a client library
 * written elsewhere, drives the hub through Prosody: create, configure, subscribe, publish,
 * notification, items, retract, delete. test/interop/pubsub_slixmpp.py prints one JSON line
 * per step; this test checks each step's outcome. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";

const SCRIPT = fileURLToPath(new URL("../interop/pubsub_slixmpp.py", import.meta.url));
// Debian's interpreter: it has python3-slixmpp (a pyenv `python3` on PATH may not).
const PYTHON = "/usr/bin/python3";

interface Step {
  step: string;
  ok: boolean;
  error?: string;
  [detail: string]: unknown;
}

async function runScript(args: string[]): Promise<{ steps: Step[]; code: number | null; stderr: string }> {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const steps: Step[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on("line", (line) => steps.push(JSON.parse(line) as Step));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(timer);
  return { steps, code, stderr };
}

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
