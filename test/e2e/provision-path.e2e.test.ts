/* The whole provisioning path with real processes: `xiot provision kitchen-1` writes a bundle; the
 * bundle starts `xiot agent`, which registers its account with the invitation and itself with the
 * hub, then publishes; the owner claims by chat and shares read with bob, who subscribes, receives
 * readings and may read the device (the agent asks the hub); after unshare bob is refused at once
 * by the hub and by the agent, and no further notification reaches him. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubJid } from "../../shared/jid";
import { readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_IOT_SENSORDATA } from "../../shared/xmpp/ns";
import { makeItems, makeSubscribe } from "../../shared/xmpp/pubsub";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import { say } from "../helpers/chat";
import { type CliProcess, runXiot } from "../helpers/cli";
import { startServer, type TestServer } from "./server";

const HUB = hubJid("localhost");
const NODE = readingsNode("kitchen-1");

/** Resolves with the next readings notification a client receives. */
function nextReadings(client: ClientConnection): Promise<Element> {
  return new Promise((resolve) => {
    const onStanza = (stanza: Element) => {
      const event = parseItemsEvent(stanza);
      if (event?.node === NODE && event.items.length > 0) {
        client.xmpp.removeListener("stanza", onStanza);
        resolve(event.element);
      }
    };
    client.xmpp.on("stanza", onStanza);
  });
}

const readout = (client: ClientConnection) =>
  client.request(
    xml(
      "iq",
      { type: "get", to: "kitchen-1@localhost/agent" },
      xml("req", { xmlns: NS_IOT_SENSORDATA, seqnr: "1", momentary: "true" }),
    ),
  );

describe("from xiot provision to a shared, then unshared, device", () => {
  let server: TestServer;
  let agent: CliProcess;
  let alice: ClientConnection;
  let bob: ClientConnection;
  let bundle: string;

  beforeAll(async () => {
    server = await startServer(["--admins", "admin@localhost"]);
    const admin = await server.register("admin");
    writeFileSync(join(server.dir, "accounts.json"), JSON.stringify({ admin }), { mode: 0o600 });
    await server.hub(["--hub.admins", "admin@localhost"]);
    alice = await server.client(await server.register("alice"));
    bob = await server.client(await server.register("bob"));
    bundle = join(mkdtempSync(join(tmpdir(), "xiot-path-")), "kitchen-1.xiot");
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
  });

  it("provisions, starts the agent from the bundle, claims, shares, and unshares", async () => {
    const provision = runXiot(["provision", "kitchen-1", "--dir", server.dir, "--out", bundle, "--json"]);
    expect((await provision.exited).code).toBe(0);
    const config = JSON.parse(readFileSync(join(bundle, "agent.json"), "utf8"));
    expect(config.xmpp.password).toBeUndefined();
    expect(config.xmpp.registration.token).toMatch(/\S/);

    agent = runXiot([
      "agent",
      "--config",
      join(bundle, "agent.json"),
      "--state.dir",
      join(bundle, "..", "state"),
      "--batch.maxDelayMs",
      "500",
      "--log.format",
      "json",
    ]);
    await agent.ready(60_000);
    expect(agent.stderr.some((l) => l.text.includes("registered the account kitchen-1@localhost"))).toBe(
      true,
    );
    expect(agent.stderr.some((l) => l.text.includes("registered with the hub"))).toBe(true);

    const claimKey = readFileSync(join(bundle, "claim.txt"), "utf8").match(/Claim key: (\S+)/)?.[1];
    expect(await say(alice, `claim kitchen-1 ${claimKey}`)).toBe("kitchen-1 is yours now.");
    expect(await say(alice, "share kitchen-1 with bob@localhost read")).toMatch(/bob@localhost/);

    // bob may now subscribe, and receives the agent's next document.
    await bob.request(makeSubscribe(HUB, NODE, "bob@localhost"));
    const items = await nextReadings(bob);
    expect(items.getChild("item")?.attrs.id).toMatch(/^\d+\.\w+-\d+$/);
    // The agent asks the hub whether bob may read it: yes.
    expect((await readout(bob)).attrs.type).toBe("result");

    expect(await say(alice, "unshare kitchen-1 bob@localhost")).toMatch(/bob@localhost/);
    let after = 0;
    bob.xmpp.on("stanza", (stanza: Element) => {
      if (parseItemsEvent(stanza)?.node === NODE) after++;
    });
    await expect(bob.request(makeSubscribe(HUB, NODE, "bob@localhost"))).rejects.toMatchObject({
      condition: "not-allowed",
    });
    await expect(bob.request(makeItems(HUB, NODE))).rejects.toMatchObject({
      condition: "not-allowed",
    });
    // The hub pushed the revocation: the agent refuses bob without a cached yes.
    await expect(readout(bob)).rejects.toMatchObject({ condition: "forbidden" });
    // alice (the owner) still gets documents; bob gets none of them.
    await alice.request(makeSubscribe(HUB, NODE, "alice@localhost"));
    await nextReadings(alice);
    await nextReadings(alice);
    expect(after).toBe(0);
  });
});
