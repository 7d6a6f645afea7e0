import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentJid } from "../../shared/jid";
import { PYTHON, runInteropScript } from "../helpers/interop";
import { type Agent, claimedDevice } from "./control-setup";
import type { Account, TestServer } from "./server";

const SCRIPT = fileURLToPath(new URL("../interop/control_adhoc_slixmpp.py", import.meta.url));
const RECEIPTS = fileURLToPath(new URL("../interop/chat_receipts_slixmpp.py", import.meta.url));
const ID = "garden-4";

const runScript = (args: string[]) => runInteropScript(SCRIPT, args);

describe("ad-hoc control commands, receipts and markers with slixmpp", () => {
  let server: TestServer;
  let alice: Account;
  let agent: Agent;

  beforeAll(async () => {
    ({ server, aliceAccount: alice, agent } = await claimedDevice(ID));
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await server?.stop();
  });

  it("lists the commands, fills the control form from its lists, and reads the status", async () => {
    expect(existsSync(PYTHON), "python3-slixmpp needs Debian's /usr/bin/python3").toBe(true);
    const { steps, code, stderr } = await runScript([
      "127.0.0.1",
      String(server.ports.c2s),
      "hub.localhost",
      alice.jid,
      alice.password,
      ID,
      "relay",
      "on",
    ]);
    const context = `steps: ${JSON.stringify(steps)}\nstderr: ${stderr}`;
    expect(
      steps.map((s) => `${s.step}:${s.ok}`),
      context,
    ).toEqual(["login:true", "list:true", "control:true", "status:true"]);
    expect(code).toBe(0);
    const byName = Object.fromEntries(steps.map((s) => [s.step, s]));
    expect(byName.list?.nodes).toEqual(
      expect.arrayContaining([
        "urn:xiot:provisioning:claim",
        "urn:xiot:provisioning:share",
        "urn:xiot:control:set",
      ]),
    );
    expect(byName.list?.nodes).not.toContain("urn:xiot:provisioning:provision");
    expect(byName.control).toMatchObject({
      devices: [ID],
      channels: ["relay"],
      values: ["on", "off"],
      fields: { device: ID, channel: "relay", outcome: "done", value: "on" },
      notes: [{ type: "info", text: `Done: ${ID} relay is on.` }],
    });
    expect(byName.status).toMatchObject({
      fields: { device: ID, availability: "online", "channel-relay": "on" },
    });
    expect(agent.actuators().at(-1)).toMatchObject({ channel: "relay", value: true, via: "xep-0325" });
  });

  it("answers slixmpp's receipt requests and displayed markers from the hub and from the device", async () => {
    const device = agentJid(ID, "localhost");
    const { steps, code, stderr } = await runInteropScript(RECEIPTS, [
      "127.0.0.1",
      String(server.ports.c2s),
      alice.jid,
      alice.password,
      "hub.localhost",
      "help",
      device,
      "relay?",
    ]);
    const context = `steps: ${JSON.stringify(steps)}\nstderr: ${stderr}`;
    expect(
      steps.map((s) => `${s.step}:${s.ok}`),
      context,
    ).toEqual([
      "login:true",
      "disco hub.localhost:true",
      "chat hub.localhost:true",
      `disco ${device}:true`,
      `chat ${device}:true`,
    ]);
    expect(code).toBe(0);
    const byName = Object.fromEntries(steps.map((s) => [s.step, s]));
    expect(byName["chat hub.localhost"]).toMatchObject({
      receipt: { from: "hub.localhost", type: "chat" },
      displayed: { from: "hub.localhost", type: "chat" },
      body: expect.stringMatching(/^Commands:/),
    });
    expect(byName[`chat ${device}`]).toMatchObject({
      receipt: { from: device, type: "chat" },
      displayed: { from: device, type: "chat" },
      body: expect.stringMatching(/^relay: (on|off)$/),
    });
  });
});
