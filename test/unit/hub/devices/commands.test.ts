import { describe, expect, it } from "vitest";
import { CMD_CLAIM, CMD_PROVISION, CMD_SHARE, createDeviceCommands } from "../../../../hub/devices/commands";
import { parseCommandReply } from "../../../../shared/xmpp/adhoc";
import { canon, iqContext, routeIq } from "../../../helpers/stanza";
import { ADMIN, ALICE, setup } from "./setup";

const CMDS = "http://jabber.org/protocol/commands";
const FORM = "urn:xiot:provisioning:form:0";

function submit(node: string, fields: Record<string, string>, sessionid = "s1"): string {
  const body = Object.entries(fields)
    .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
    .join("");
  return `<command xmlns='${CMDS}' node='${node}' action='complete' sessionid='${sessionid}'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>${FORM}</value></field>${body}</x></command>`;
}

function commands() {
  const s = setup();
  const c = createDeviceCommands({ devices: s.service, jid: "hub.example.org" });
  const run = (from: string, payload: string) => routeIq(c.routes, iqContext("set", from, payload));
  return { ...s, c, run };
}

describe("ad-hoc commands", () => {
  it("lists provisioning only to admins", () => {
    const { c } = commands();
    const items = (from: string) =>
      c
        .nodeItems(
          iqContext("get", from, `<query xmlns='http://jabber.org/protocol/disco#items' node='${CMDS}'/>`),
          CMDS,
        )
        ?.getChildren("item")
        .map((i) => i.attrs.node);
    expect(items(ADMIN)).toEqual([CMD_PROVISION, CMD_CLAIM, CMD_SHARE]);
    expect(items(ALICE)).toEqual([CMD_CLAIM, CMD_SHARE]);
    expect(c.nodeItems(iqContext("get", ALICE, "<query xmlns='x'/>"), "devices/x/readings")).toBeUndefined();
  });

  it("executes Provision a device: form, then the bundle as a result form", async () => {
    const c = commands();
    const first = await c.run(ADMIN, `<command xmlns='${CMDS}' node='${CMD_PROVISION}' action='execute'/>`);
    const start = parseCommandReply(first);
    expect(start.status).toBe("executing");
    expect([...(start.form?.fields.keys() ?? [])]).toEqual(["device", "model"]);
    expect(first?.getChild("actions")?.attrs.execute).toBe("complete");
    const done = parseCommandReply(
      await c.run(ADMIN, submit(CMD_PROVISION, { device: "kitchen-1", model: "sim" }, start.sessionid)),
    );
    expect(done.status).toBe("completed");
    expect(done.sessionid).toBe(start.sessionid);
    const f = done.form?.fields;
    expect(f?.get("jid")).toEqual(["kitchen-1@example.org"]);
    expect(f?.get("node-readings")).toEqual(["devices/kitchen-1/readings"]);
    expect(f?.get("registration-secret")?.[0]).toMatch(/^[A-Z2-7]{32}$/);
    const key = f?.get("claim-key")?.[0] ?? "";
    expect(f?.get("claim-uri")).toEqual([`xmpp:hub.example.org?message;body=claim%20kitchen-1%20${key}`]);
    expect((await c.store.getDevice("kitchen-1"))?.createdBy).toBe("admin@example.org");
  });

  it("refuses an existing id and changes nothing; refuses non-admins", async () => {
    const c = commands();
    await c.run(ADMIN, submit(CMD_PROVISION, { device: "kitchen-1", model: "sim" }));
    const before = await c.store.getDevice("kitchen-1");
    const again = await c.run(ADMIN, submit(CMD_PROVISION, { device: "kitchen-1", model: "other" }));
    expect(canon(again)).toBe(
      canon(
        "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>kitchen-1</text></error>",
      ),
    );
    expect(await c.store.getDevice("kitchen-1")).toEqual(before);
    const user = await c.run(ALICE, submit(CMD_PROVISION, { device: "x", model: "sim" }));
    expect(user?.getChild("forbidden")).toBeDefined();
    const unknown = await c.run(ADMIN, `<command xmlns='${CMDS}' node='nope'/>`);
    expect(unknown?.getChild("item-not-found")).toBeDefined();
  });

  it("claims and shares by form, and cancels", async () => {
    const c = commands();
    const { claimKey } = await c.provision("kitchen");
    const claimed = parseCommandReply(
      await c.run(ALICE, submit(CMD_CLAIM, { device: "kitchen", key: claimKey })),
    );
    expect(claimed.notes).toEqual([{ type: "info", text: "kitchen is yours now." }]);
    const shared = parseCommandReply(
      await c.run(ALICE, submit(CMD_SHARE, { device: "kitchen", jid: "bob@example.org", level: "control" })),
    );
    expect(shared.notes[0]?.text).toBe("bob@example.org may now control kitchen.");
    const cancel = await c.run(
      ALICE,
      `<command xmlns='${CMDS}' node='${CMD_CLAIM}' action='cancel' sessionid='z'/>`,
    );
    expect(cancel?.attrs.status).toBe("canceled");
  });
});
