/* XEP-0050 commands "Control a device" and "Device status", with XEP-0004 forms whose lists hold
 * only what the requester may use, and their merge into the hub's other commands
 * (hub/devices/commands.ts: Provision, Claim, Share), which share the one `command` IQ route.
 * References: XEP-0050 §3.2 (listing), §3.3 (multi-stage execution: next, complete, cancel;
 * completed with notes), §4.3 (actions), §4.4 (malformed-action), XEP-0004 §3.3 (list-single,
 * fixed, result forms).
 *
 * Stateless like the other hub commands: every stage's form carries what earlier stages chose,
 * so any stage can be submitted directly (the CLI submits device, channel and value at once).
 *   Control: device → channel and value → outcome (a note: info when done, error otherwise).
 *   Status:  device (and optionally a channel) → a result form with one field per channel. */
import { randomBytes } from "node:crypto";
import xml, { type Element } from "@xmpp/xml";
import { normalizeJid } from "../../shared/jid";
import { makeCommandReply, parseCommandRequest } from "../../shared/xmpp/adhoc";
import { makeError } from "../../shared/xmpp/errors";
import { makeForm } from "../../shared/xmpp/forms";
import {
  CMD_CONTROL,
  CMD_STATUS,
  NS_COMMANDS,
  NS_DATA,
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_XIOT_CONTROL_FORM,
} from "../../shared/xmpp/ns";
import type { DeviceCommands } from "../devices/commands";
import type { IqContext, IqHandler } from "../iq-types";
import { type ControlStages, createControlStages } from "./adhoc-stages";

const COMMANDS = [
  { node: CMD_CONTROL, name: "Control a device" },
  { node: CMD_STATUS, name: "Device status" },
];

export function createControlCommands(stages: ControlStages, jid: string) {
  async function execute(iq: IqContext): Promise<Element> {
    const request = parseCommandRequest(iq.child);
    if (!request) return makeError("malformed-action"); // XEP-0050 §4.4
    const who = normalizeJid(iq.from)?.bare;
    if (!who) return makeError("jid-malformed", { text: "the sender is not a JID", lang: null }); // RFC 6120 §8.3.3.8
    const base = { node: request.node, sessionid: request.sessionid ?? randomBytes(8).toString("hex") };
    if (request.action === "cancel") return makeCommandReply({ ...base, status: "canceled" });
    const fields = request.form?.type === "submit" ? request.form.fields : new Map<string, string[]>();
    const step =
      request.node === CMD_CONTROL ? await stages.control(who, fields) : await stages.status(who, fields);
    const form = makeForm({
      type: step.form,
      formType: NS_XIOT_CONTROL_FORM,
      title: step.title,
      fields: step.fields,
    });
    if (step.form === "form")
      return makeCommandReply({
        ...base,
        status: "executing",
        form,
        actions: [step.last ? "complete" : "next"],
        ...(step.note && { note: { type: "info", text: step.note } }),
      });
    return makeCommandReply({
      ...base,
      status: "completed",
      form,
      ...(step.note && { note: { type: step.ok ? "info" : "error", text: step.note } }),
    });
  }
  return {
    handles: (node: string) => COMMANDS.some((c) => c.node === node),
    execute,
    items: () => COMMANDS.map((c) => xml("item", { jid, node: c.node, name: c.name })),
    info(node: string): Element | undefined {
      const command = COMMANDS.find((c) => c.node === node);
      if (!command) return undefined;
      return xml(
        "query",
        { xmlns: NS_DISCO_INFO, node },
        xml("identity", { category: "automation", type: "command-node", name: command.name }),
        xml("feature", { var: NS_COMMANDS }),
        xml("feature", { var: NS_DATA }),
      );
    },
  };
}

export type ControlCommands = ReturnType<typeof createControlCommands>;

/** The device service's commands with ours added: one `command` route, one commands list. */
export function mergeCommands(base: DeviceCommands, ours: ControlCommands): DeviceCommands {
  const baseExecute = base.routes.find((r) => r.ns === NS_COMMANDS && r.name === "command")?.handler;
  const handler: IqHandler = (ctx) =>
    ours.handles(String(ctx.child.attrs.node ?? "")) || !baseExecute ? ours.execute(ctx) : baseExecute(ctx);
  return {
    routes: [
      ...base.routes.filter((r) => !(r.ns === NS_COMMANDS && r.name === "command")),
      { type: "set", ns: NS_COMMANDS, name: "command", handler },
    ],
    disco: base.disco,
    nodeItems(ctx, node) {
      const theirs = base.nodeItems(ctx, node);
      if (node !== NS_COMMANDS) return theirs;
      const list = theirs ?? xml("query", { xmlns: NS_DISCO_ITEMS, node });
      for (const item of ours.items()) list.append(item);
      return list;
    },
    info: (ctx, node) => ours.info(node) ?? base.info(ctx, node),
  };
}

export { createControlStages };
