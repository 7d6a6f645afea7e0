/* The hub's XEP-0050 ad-hoc commands with XEP-0004 forms: "Provision a device" (admins),
 * "Claim a device" and "Share a device" (anyone; the device service decides). Commands are
 * stateless: the first execute returns the form with a fresh sessionid, and the submitted form
 * carries everything, so a submit in the first request (one step) works as well.
 * References: XEP-0050 §3.2 (disco#items on the commands node lists what the requester may
 * run), §3.3 (execute, forms, completed with a result form), §4.4 (errors as IQ errors),
 * XEP-0004 §3 (forms), XEP-0030 §3.2 (command nodes in disco#info). */
import { randomBytes } from "node:crypto";
import xml, { type Element } from "@xmpp/xml";
import { normalizeJid } from "../../shared/jid";
import { makeCommandReply, parseCommandRequest } from "../../shared/xmpp/adhoc";
import { makeError } from "../../shared/xmpp/errors";
import { type FormField, makeForm } from "../../shared/xmpp/forms";
import {
  NS_COMMANDS,
  NS_DATA,
  NS_DISCO_INFO,
  NS_DISCO_ITEMS,
  NS_XIOT_PROVISIONING_FORM,
} from "../../shared/xmpp/ns";
import type { DiscoContribution, IqContext, IqRoute } from "../iq-types";
import { errorOf } from "./protocol-xml";
import type { DeviceService } from "./service";
import { fail, type Result } from "./types";

export const CMD_PROVISION = "urn:xiot:provisioning:provision";
export const CMD_CLAIM = "urn:xiot:provisioning:claim";
export const CMD_SHARE = "urn:xiot:provisioning:share";

type Fields = Map<string, string[]>;

interface AdhocCommand {
  node: string;
  name: string;
  mayRun(bare: string): boolean;
  fields: FormField[];
  run(from: string, fields: Fields): Promise<Result<{ fields: FormField[]; note: string }>>;
}

const one = (fields: Fields, name: string): string => (fields.get(name)?.[0] ?? "").trim();
const text = (name: string, label: string): FormField => ({ var: name, type: "text-single", label });
const out = (name: string, label: string, value: string): FormField => ({
  var: name,
  type: "text-single",
  label,
  values: [value],
});

/** Every jid-single and jid-multi field of the command's form, prepared as every JID that enters
 * the hub (shared/jid.ts, RFC 7622 §3); the name of the first field that does not prepare. */
function preparedJids(form: readonly FormField[], fields: Fields): Fields | string {
  const out = new Map(fields);
  for (const field of form) {
    if (field.type !== "jid-single" && field.type !== "jid-multi") continue;
    const values = (fields.get(field.var) ?? []).map((v) => v.trim()).filter((v) => v !== "");
    const prepared = values.map((v) => normalizeJid(v)?.full);
    if (prepared.some((v) => v === undefined)) return field.var;
    out.set(field.var, prepared as string[]);
  }
  return out;
}

function commandsOf(devices: DeviceService): AdhocCommand[] {
  const provision: AdhocCommand = {
    node: CMD_PROVISION,
    name: "Provision a device",
    mayRun: (bare) => devices.isAdmin(bare),
    fields: [text("device", "Device id"), text("model", "Model")],
    async run(from, fields) {
      const r = await devices.provision(from, { id: one(fields, "device"), model: one(fields, "model") });
      if (!r.ok) return r;
      const b = r.value;
      return {
        ok: true,
        value: {
          note: `${b.deviceId} is provisioned; give the claim key to its owner.`,
          fields: [
            out("device", "Device id", b.deviceId),
            { var: "jid", type: "jid-single", label: "Device JID", values: [b.jid] },
            { var: "hub", type: "jid-single", label: "Hub", values: [b.hub] },
            out("model", "Model", b.model),
            out("registration-secret", "Registration secret (for the device only)", b.registrationSecret),
            out("claim-key", "Claim key (for the owner)", b.claimKey),
            out("claim-uri", "Claim URI", b.claimUri),
            ...Object.entries(b.nodes).map(([kind, node]) => out(`node-${kind}`, `${kind} node`, node)),
          ],
        },
      };
    },
  };
  const claim: AdhocCommand = {
    node: CMD_CLAIM,
    name: "Claim a device",
    mayRun: () => true,
    fields: [text("device", "Device id"), { var: "key", type: "text-private", label: "Claim key" }],
    async run(from, fields) {
      const r = await devices.claim(from, one(fields, "device"), one(fields, "key"));
      if (!r.ok) return r;
      const note = r.value.alreadyOwner ? "already yours" : "yours now";
      return { ok: true, value: { note: `${r.value.deviceId} is ${note}.`, fields: [] } };
    },
  };
  const share: AdhocCommand = {
    node: CMD_SHARE,
    name: "Share a device",
    mayRun: () => true,
    fields: [
      text("device", "Device id"),
      { var: "jid", type: "jid-single", label: "Share with" },
      {
        var: "level",
        type: "list-single",
        label: "Access",
        options: [{ value: "read" }, { value: "control" }],
        values: ["read"],
      },
    ],
    async run(from, fields) {
      const level = one(fields, "level") || "read";
      if (level !== "read" && level !== "control")
        return fail("bad-request", { detail: "level is read or control" });
      const r = await devices.share(from, one(fields, "device"), one(fields, "jid"), level);
      if (!r.ok) return r;
      return { ok: true, value: { note: `${r.value.jid} may now ${level} ${r.value.device}.`, fields: [] } };
    },
  };
  return [provision, claim, share];
}

export interface DeviceCommands {
  routes: IqRoute[];
  disco: DiscoContribution;
  /** disco#items on the commands node, and disco#info on a command node. */
  nodeItems(ctx: IqContext, node: string): Element | undefined;
  info(ctx: IqContext, node: string): Element | undefined;
}

export function createDeviceCommands({
  devices,
  jid,
}: {
  devices: DeviceService;
  jid: string;
}): DeviceCommands {
  const commands = commandsOf(devices);
  const bareOf = (from: string) => normalizeJid(from)?.bare ?? "";

  async function execute(iq: IqContext): Promise<Element> {
    const request = parseCommandRequest(iq.child);
    if (!request) return makeError("malformed-action"); // XEP-0050 §4.4
    const command = commands.find((c) => c.node === request.node);
    if (!command) return makeError("item-not-found");
    if (!command.mayRun(bareOf(iq.from))) return errorOf(fail("forbidden", { detail: "admins only" }));
    const sessionid = request.sessionid ?? randomBytes(8).toString("hex");
    const base = { node: command.node, sessionid };
    if (request.action === "cancel") return makeCommandReply({ ...base, status: "canceled" });
    if (request.form?.type !== "submit") {
      const form = makeForm({
        type: "form",
        formType: NS_XIOT_PROVISIONING_FORM,
        title: command.name,
        fields: command.fields,
      });
      return makeCommandReply({ ...base, status: "executing", form });
    }
    const fields = preparedJids(command.fields, request.form.fields);
    if (typeof fields === "string")
      return makeError("jid-malformed", { text: `${fields}: not a JID`, lang: null });
    const r = await command.run(iq.from, fields);
    if (!r.ok) return errorOf(r);
    const form = makeForm({
      type: "result",
      formType: NS_XIOT_PROVISIONING_FORM,
      title: command.name,
      fields: r.value.fields,
    });
    return makeCommandReply({
      ...base,
      status: "completed",
      note: { type: "info", text: r.value.note },
      form,
    });
  }

  return {
    routes: [{ type: "set", ns: NS_COMMANDS, name: "command", handler: execute }],
    disco: { identities: [], features: [NS_COMMANDS] },
    nodeItems(ctx, node) {
      if (node !== NS_COMMANDS) return undefined;
      const who = bareOf(ctx.from);
      const items = commands
        .filter((c) => c.mayRun(who))
        .map((c) => xml("item", { jid, node: c.node, name: c.name }));
      return xml("query", { xmlns: NS_DISCO_ITEMS, node }, ...items);
    },
    info(ctx, node) {
      const command = commands.find((c) => c.node === node);
      if (!command) return undefined;
      if (!command.mayRun(bareOf(ctx.from))) return makeError("forbidden");
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
