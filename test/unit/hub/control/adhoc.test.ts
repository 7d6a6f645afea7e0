import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { mergeCommands } from "../../../../hub/control/adhoc";
import type { DeviceCommands } from "../../../../hub/devices/commands";
import type { IqContext } from "../../../../hub/iq-types";
import { parseCommandReply } from "../../../../shared/xmpp/adhoc";
import { makeForm } from "../../../../shared/xmpp/forms";
import { CMD_CONTROL, CMD_STATUS, NS_COMMANDS, NS_DISCO_ITEMS } from "../../../../shared/xmpp/ns";
import { ALICE, BOB } from "../devices/setup";
import { controlHarness } from "./harness";

const ctx = (from: string, child: Element): IqContext => ({
  from,
  to: "hub.example.org",
  id: "1",
  type: "set",
  stanza: xml("iq", {}, child),
  child,
});
const command = (node: string, fields?: Record<string, string>, action = "execute") =>
  xml(
    "command",
    { xmlns: NS_COMMANDS, node, action },
    ...(fields
      ? [
          makeForm({
            type: "submit",
            fields: Object.entries(fields).map(([k, v]) => ({ var: k, values: [v] })),
          }),
        ]
      : []),
  );

async function harness() {
  const c = await controlHarness();
  await c.h.service.claim(ALICE, "kitchen", c.h.claimKey);
  await c.h.service.share(ALICE, "kitchen", BOB, "read");
  const run = async (from: string, node: string, fields?: Record<string, string>) =>
    parseCommandReply(await c.commands.execute(ctx(from, command(node, fields))));
  return { ...c, run };
}

describe("ad-hoc control commands", () => {
  it("Control a device: device list, then channel and value, then the outcome", async () => {
    const c = await harness();
    const first = await c.run(ALICE, CMD_CONTROL);
    expect(first.status).toBe("executing");
    expect(first.form?.fields.has("device")).toBe(true);
    const second = await c.run(ALICE, CMD_CONTROL, { device: "kitchen" });
    expect(second.status).toBe("executing");
    expect(second.form?.fields.get("channel")).toEqual(["relay"]);
    const done = await c.run(ALICE, CMD_CONTROL, { device: "kitchen", channel: "relay", value: "on" });
    expect(done.status).toBe("completed");
    expect(done.notes).toEqual([{ type: "info", text: "Done: kitchen relay is on." }]);
    expect(done.form?.fields.get("outcome")).toEqual(["done"]);
    expect(c.h.sent).toHaveLength(1);
  });

  it("offers a reader no device to control, and refuses a submitted command", async () => {
    const c = await harness();
    expect((await c.run(BOB, CMD_CONTROL)).notes).toEqual([
      { type: "error", text: "You have no device you may control." },
    ]);
    const refused = await c.run(BOB, CMD_CONTROL, { device: "kitchen", channel: "relay", value: "on" });
    expect(refused.notes[0]).toEqual({
      type: "error",
      text: "Refused: you may read kitchen but not control it.",
    });
    expect(refused.form?.fields.get("outcome")).toEqual(["refused"]);
    expect(c.h.sent).toHaveLength(0);
  });

  it("Device status: a result form with availability and channels", async () => {
    const c = await harness();
    const r = await c.run(BOB, CMD_STATUS, { device: "kitchen" });
    expect(r.status).toBe("completed");
    expect(r.form?.fields.get("availability")).toEqual(["online"]);
    expect(r.form?.fields.get("channel-relay")).toEqual(["off"]);
  });

  it("is listed with the device service's commands and routed by node", async () => {
    const c = await harness();
    const theirs: DeviceCommands = {
      routes: [
        {
          type: "set",
          ns: NS_COMMANDS,
          name: "command",
          handler: () => xml("command", { xmlns: NS_COMMANDS, node: "other", status: "completed" }),
        },
      ],
      disco: { identities: [], features: [NS_COMMANDS] },
      nodeItems: (_ctx, node) =>
        node === NS_COMMANDS
          ? xml("query", { xmlns: NS_DISCO_ITEMS, node }, xml("item", { node: "urn:x:provision" }))
          : undefined,
      info: () => undefined,
    };
    const merged = mergeCommands(theirs, c.commands);
    const items = (merged.nodeItems(ctx(ALICE, xml("query")), NS_COMMANDS) as Element)
      .getChildren("item")
      .map((i) => i.attrs.node);
    expect(items).toEqual(["urn:x:provision", CMD_CONTROL, CMD_STATUS]);
    expect(merged.routes).toHaveLength(1);
    const handler = merged.routes[0]?.handler as (c: IqContext) => Promise<Element>;
    expect((await handler(ctx(ALICE, command("other")))).attrs.node).toBe("other");
    expect((await handler(ctx(ALICE, command(CMD_STATUS)))).attrs.node).toBe(CMD_STATUS);
  });
});
