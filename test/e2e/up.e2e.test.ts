import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/log";
import { createClient } from "../../shared/xmpp/client";
import { runXiot } from "../helpers/cli";

interface UpReady {
  ready: true;
  domain: string;
  c2s: string;
  hub: string;
  user: string;
  password: string;
  device: string;
}

describe("xiot up (npm start)", () => {
  const dir = mkdtempSync(join(tmpdir(), "xiot-up-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function up() {
    const proc = runXiot([
      "up",
      "--dir",
      dir,
      "--json",
      "--c2s-port",
      "0",
      "--component-port",
      "0",
      "--http-port",
      "0",
    ]);
    return { proc, ready: await proc.ready<UpReady>(60_000) };
  }

  it("starts server, hub and a simulated device, makes a demo login that works, and reuses it", async () => {
    const first = await up();
    expect(first.ready.user).toBe("demo@localhost");
    expect(first.ready.device).toBe("sim-1");
    const [username] = first.ready.user.split("@");
    const connection = createClient({
      config: {
        service: first.ready.c2s,
        domain: first.ready.domain,
        username: username!,
        password: first.ready.password,
      },
      log: silentLogger(),
    });
    await connection.start();
    const pong = await connection.request(
      xml("iq", { type: "get", to: first.ready.hub }, xml("ping", { xmlns: "urn:xmpp:ping" })),
    );
    expect(pong.attrs.type).toBe("result");
    // The demo user may read the simulated device's readings (the agent allows it).
    const items = await connection.request(
      xml(
        "iq",
        { type: "get", to: first.ready.hub },
        xml(
          "pubsub",
          { xmlns: "http://jabber.org/protocol/pubsub" },
          xml("items", { node: "devices/sim-1/meta" }),
        ),
      ),
    );
    expect(items.getChild("pubsub")?.getChild("items")?.getChildren("item").length).toBe(1);
    await connection.stop();
    expect(statSync(join(dir, "accounts.json")).mode & 0o777).toBe(0o600);
    const firstExit = await first.proc.stop("SIGINT");
    expect(firstExit, first.proc.stderr.map((l) => l.text).join("\n")).toEqual({ code: 0, signal: null });

    const second = await up();
    expect(second.ready.password).toBe(first.ready.password);
    expect(second.proc.stderr.some((l) => l.text.includes("created the account"))).toBe(false);
    const secondExit = await second.proc.stop("SIGTERM");
    expect(secondExit, second.proc.stderr.map((l) => l.text).join("\n")).toEqual({ code: 0, signal: null });
  });
});
