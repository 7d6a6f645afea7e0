/* xiot provision against a real Prosody and hub: the bundle, the device's account from the
 * invite token, its registration with the hub, and refusals (used token, another device's
 * secret, an id provisioned twice). */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/log";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import { RegistrationError, registerAccount } from "../../shared/xmpp/register";
import { runXiot } from "../helpers/cli";
import { type Account, startServer, type TestServer } from "./server";

const HUB = "hub.localhost";

interface Bundle {
  device: { id: string; model: string };
  xmpp: {
    service: string;
    domain: string;
    username: string;
    registration?: { token: string };
    password?: string;
  };
  hub: { jid: string; registrationSecret: string };
  channels: Record<string, unknown>;
}

async function provision(server: TestServer, id: string, out: string, extra: string[] = []) {
  const proc = runXiot([
    "provision",
    id,
    "--dir",
    server.dir,
    "--out",
    out,
    "--json",
    "--log.format",
    "json",
    ...extra,
  ]);
  const exit = await proc.exited;
  return { exit, proc };
}

describe("xiot provision", () => {
  let server: TestServer;
  let work: string;
  let admin: Account;

  beforeAll(async () => {
    server = await startServer(["--admins", "admin@localhost"]);
    admin = await server.register("admin");
    // The layout `xiot up` leaves: accounts.json beside the server's server.json.
    writeFileSync(join(server.dir, "accounts.json"), JSON.stringify({ admin }), { mode: 0o600 });
    await server.hub(["--hub.admins", "admin@localhost"]);
    work = mkdtempSync(join(tmpdir(), "xiot-provision-"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const registerIq = (secret: string) =>
    xml(
      "iq",
      { type: "set", to: HUB },
      xml(
        "register",
        { xmlns: NS_XIOT_PROVISIONING, secret },
        xml("str", { name: "firmware", value: "0.1.0" }),
        xml("str", { name: "agent", value: "xiot" }),
      ),
    );

  it("writes the bundle; the device registers its account with the token and then with the hub", async () => {
    const out = join(work, "kitchen-1.xiot");
    const { exit, proc } = await provision(server, "kitchen-1", out);
    expect(exit.code, proc.stderr.map((l) => l.text).join("\n")).toBe(0);
    const ready = JSON.parse(proc.stdout[0]?.text ?? "{}") as { device: string; claimUri: string };
    expect(ready.device).toBe("kitchen-1");
    expect(ready.claimUri).toMatch(/^xmpp:hub\.localhost\?message;body=claim%20kitchen-1%20[A-Z2-7]{32}$/);
    const mode = (f: string) => statSync(join(out, f)).mode & 0o777;
    expect(mode("agent.json")).toBe(0o600);
    expect(mode("claim.txt")).toBe(0o600);
    expect(mode("claim.png")).toBe(0o600);
    expect(readFileSync(join(out, "claim.png")).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(readFileSync(join(out, "claim.txt"), "utf8")).toContain(ready.claimUri);
    const bundle = JSON.parse(readFileSync(join(out, "agent.json"), "utf8")) as Bundle;
    expect(bundle.device).toEqual({ id: "kitchen-1", model: "xiot-simulated" });
    expect(bundle.xmpp.username).toBe("kitchen-1");
    expect(bundle.xmpp.service).toBe(server.info.c2s);
    expect(bundle.hub.jid).toBe(HUB);
    expect(Object.keys(bundle.channels)).toEqual(["temperature", "humidity", "relay"]);
    const token = bundle.xmpp.registration?.token ?? "";
    expect(token.length).toBeGreaterThan(8);

    // First boot, as the agent will do it: the account from the invite token...
    const device: Account = {
      username: "kitchen-1",
      password: "device-password-1",
      jid: "kitchen-1@localhost",
    };
    await registerAccount({
      config: {
        service: server.info.c2s,
        domain: "localhost",
        username: device.username,
        password: device.password,
      },
      log: silentLogger(),
      token,
    });
    // ...then the hub registration with the secret and meta tags.
    const agent = await server.client(device, "agent");
    const answer = await agent.request(registerIq(bundle.hub.registrationSecret));
    const registered = answer.getChild("registered", NS_XIOT_PROVISIONING);
    expect(registered?.attrs.device).toBe("kitchen-1");
    expect(registered?.getChildren("node").map((n) => `${n.attrs.kind}=${n.attrs.name}`)).toEqual([
      "readings=devices/kitchen-1/readings",
      "state=devices/kitchen-1/state",
      "availability=devices/kitchen-1/availability",
      "meta=devices/kitchen-1/meta",
    ]);
    // Idempotent: the same registration again gets the same answer.
    const again = await agent.request(registerIq(bundle.hub.registrationSecret));
    expect(again.getChild("registered", NS_XIOT_PROVISIONING)?.toString()).toBe(registered?.toString());

    // The token is single-use: another account cannot be made with it.
    const reuse = registerAccount({
      config: {
        service: server.info.c2s,
        domain: "localhost",
        username: "intruder-1",
        password: "pw-intruder",
      },
      log: silentLogger(),
      token,
    });
    await expect(reuse).rejects.toBeInstanceOf(RegistrationError);
    await expect(reuse).rejects.toMatchObject({ condition: "forbidden" });

    // The secret is tied to kitchen-1: another provisioned device cannot use it.
    const garageOut = join(work, "garage-1.xiot");
    expect((await provision(server, "garage-1", garageOut, ["--password"])).exit.code).toBe(0);
    const garageBundle = JSON.parse(readFileSync(join(garageOut, "agent.json"), "utf8")) as Bundle;
    expect(garageBundle.xmpp.registration).toBeUndefined();
    const garage = await server.client(
      { username: "garage-1", password: garageBundle.xmpp.password ?? "", jid: "garage-1@localhost" },
      "agent",
    );
    const stolen = garage.request(registerIq(bundle.hub.registrationSecret));
    await expect(stolen).rejects.toMatchObject({ condition: "not-authorized" });
    const own = await garage.request(registerIq(garageBundle.hub.registrationSecret));
    expect(own.getChild("registered", NS_XIOT_PROVISIONING)?.attrs.device).toBe("garage-1");
  });

  it("refuses to provision an id twice, with a clear message, changing nothing", async () => {
    const before = await runXiot(["devices", "--dir", server.dir, "--json"]).ready<{ devices: unknown[] }>();
    const out = join(work, "kitchen-1-again.xiot");
    const { exit, proc } = await provision(server, "kitchen-1", out);
    expect(exit.code).toBe(1);
    expect(proc.stderr.map((l) => l.text).join("\n")).toContain(
      "xiot provision: kitchen-1 is already provisioned on hub.localhost; nothing was changed",
    );
    expect(() => statSync(out)).toThrow();
    const after = await runXiot(["devices", "--dir", server.dir, "--json"]).ready<{ devices: unknown[] }>();
    expect(after.devices).toEqual(before.devices);
  });

  it("refuses a bad device id and an existing bundle folder before connecting", async () => {
    const bad = await provision(server, "Kitchen_1", join(work, "x.xiot"));
    expect(bad.exit.code).toBe(2);
    expect(bad.proc.stderr.map((l) => l.text).join("\n")).toContain('"Kitchen_1" is not a device id');
    const taken = await provision(server, "porch-1", join(work, "kitchen-1.xiot"));
    expect(taken.exit.code).toBe(1);
    expect(taken.proc.stderr.map((l) => l.text).join("\n")).toContain("already exists; nothing was changed");
  });
});
