/* Readings any client can read: a slixmpp subscriber asks for a device's readings in JSON with the
 * `x-xiot#encoding` subscription option, and parses the documents of a real agent's publishes
 * (EXI4JSON on the wire from the agent) as JSON: the same document, value for value, as the item
 * the agent published. Real Prosody, hub and agent processes.
 * References: XEP-0060 §6.3.7, §7.1.2, §6.5; docs/protocol.md ("Readings in JSON"). */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReadingsPayload } from "../../shared/exi/payload";
import { readingsNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { NS_PUBSUB } from "../../shared/xmpp/ns";
import { PYTHON, runInteropScript } from "../helpers/interop";
import { type Agent, claimedDevice, HUB } from "./control-setup";
import type { Account, TestServer } from "./server";

const SCRIPT = fileURLToPath(new URL("../interop/readings_json_slixmpp.py", import.meta.url));
const ID = "porch-2";

describe("readings in JSON for a standard client", () => {
  let server: TestServer;
  let alice: Account;
  let agent: Agent;
  let admin: ClientConnection;

  beforeAll(async () => {
    ({ server, admin, aliceAccount: alice, agent } = await claimedDevice(ID));
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await server?.stop();
  });

  it("a slixmpp subscriber with the JSON option parses the agent's documents as JSON", async () => {
    expect(existsSync(PYTHON), "python3-slixmpp needs Debian's /usr/bin/python3").toBe(true);
    const node = readingsNode(ID);
    const { steps, code, stderr } = await runInteropScript(
      SCRIPT,
      ["127.0.0.1", String(server.ports.c2s), HUB, alice.jid, alice.password, node],
      90_000,
    );
    const context = `steps: ${JSON.stringify(steps)}\nstderr: ${stderr}`;
    expect(
      steps.map((s) => `${s.step}:${s.ok}`),
      context,
    ).toEqual(["login:true", "subscribe:true", "options:true", "notification:true", "items:true"]);
    expect(code).toBe(0);
    const notification = steps.find((s) => s.step === "notification") as unknown as {
      id: string;
      document: { v: number; dev: string; r: { c: string; t: number; v: unknown }[] };
    };
    expect(notification.document).toMatchObject({ v: 1, dev: ID });
    expect(notification.document.r.length).toBeGreaterThan(0);

    // The same item as the agent published it, decoded here: an admin without the option gets it
    // as stored (alice's every resource would get JSON: the option is her bare JID's).
    const reply: Element = await admin.request(
      xml(
        "iq",
        { type: "get", to: HUB },
        xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node }, xml("item", { id: notification.id }))),
      ),
    );
    const payload = reply.getChild("pubsub")?.getChild("items")?.getChild("item")?.getChild("readings");
    expect(payload?.attrs.encoding).toBe("exi4json");
    expect(parseReadingsPayload(payload as Element).document).toEqual(notification.document);
  });
});
