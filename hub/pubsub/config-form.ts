/* Node configuration as XEP-0004 forms: the pubsub#node_config form, submitted changes,
 * publish-options preconditions and the pubsub#meta-data form.
 * References: XEP-0060 §16.4.3 (node_config fields), §7.1.5 (publish-options), §5.4 and
 * §16.4.4 (meta-data), XEP-0004 §3. */
import type { Element } from "@xmpp/xml";
import { type FormField, makeForm, parseBoolean, parseForm } from "../../shared/xmpp/forms";
import { NS_PUBSUB_META_DATA, NS_PUBSUB_NODE_CONFIG, NS_PUBSUB_PUBLISH_OPTIONS } from "../../shared/xmpp/ns";
import type { NodeMeta } from "./service";
import type { NodeConfig } from "./storage/types";
import { type Fail, fail, ok, type Result } from "./types";

type Kind = "boolean" | "integer" | "text" | "list" | "max";
interface FieldDef {
  key: keyof NodeConfig;
  kind: Kind;
  label: string;
  /** Values offered in the form. */
  options?: string[];
  /** Values understood but not offered (refused by the service with a clear error). */
  understood?: string[];
}

/** Field var → configuration key: the configuration options this service implements. */
export const CONFIG_FIELDS: Readonly<Record<string, FieldDef>> = {
  "pubsub#title": { key: "title", kind: "text", label: "A friendly name for the node" },
  "pubsub#type": { key: "payloadType", kind: "text", label: "The namespace of the payload" },
  "pubsub#access_model": {
    key: "accessModel",
    kind: "list",
    label: "Who may subscribe and retrieve items",
    options: ["open", "authorize", "whitelist"],
    understood: ["presence", "roster"],
  },
  "pubsub#publish_model": {
    key: "publishModel",
    kind: "list",
    label: "Who may publish",
    options: ["publishers", "subscribers", "open"],
  },
  "pubsub#max_items": { key: "maxItems", kind: "max", label: "Most items to keep" },
  "pubsub#item_expire": {
    key: "itemExpire",
    kind: "integer",
    label: "Seconds after which items expire (0 = never)",
  },
  "pubsub#notify_retract": {
    key: "notifyRetract",
    kind: "boolean",
    label: "Notify when items are retracted",
  },
  "pubsub#notify_delete": { key: "notifyDelete", kind: "boolean", label: "Notify when the node is deleted" },
  "pubsub#notify_config": {
    key: "notifyConfig",
    kind: "boolean",
    label: "Notify when the configuration changes",
  },
  "pubsub#deliver_payloads": {
    key: "deliverPayloads",
    kind: "boolean",
    label: "Deliver payloads with events",
  },
  "pubsub#deliver_notifications": {
    key: "deliverNotifications",
    kind: "boolean",
    label: "Deliver notifications",
  },
  "pubsub#persist_items": { key: "persistItems", kind: "boolean", label: "Persist items" },
  "pubsub#send_last_published_item": {
    key: "sendLastPublishedItem",
    kind: "list",
    label: "When to send the last published item",
    options: ["never", "on_sub"],
  },
  "pubsub#notification_type": {
    key: "notificationType",
    kind: "list",
    label: "Message type of notifications",
    options: ["headline", "normal"],
  },
};

const FIELD_TYPES: Record<Kind, FormField["type"]> = {
  boolean: "boolean",
  integer: "text-single",
  text: "text-single",
  list: "list-single",
  max: "text-single",
};

const render = (value: NodeConfig[keyof NodeConfig]): string =>
  typeof value === "boolean" ? (value ? "1" : "0") : String(value);

export function makeConfigForm(config: NodeConfig, type: "form" | "result" = "form"): Element {
  const fields: FormField[] = Object.entries(CONFIG_FIELDS).map(([name, def]) => ({
    var: name,
    type: FIELD_TYPES[def.kind],
    label: def.label,
    values: [render(config[def.key])],
    ...(def.options && { options: def.options.map((value) => ({ value })) }),
  }));
  return makeForm({ type, formType: NS_PUBSUB_NODE_CONFIG, fields });
}

function parseValue(def: FieldDef, values: string[]): unknown {
  const [v] = values;
  if (values.length !== 1 || v === undefined) return undefined;
  switch (def.kind) {
    case "boolean":
      return parseBoolean(v);
    case "integer":
      return /^\d{1,9}$/.test(v) ? Number(v) : undefined;
    case "max":
      return v === "max" ? "max" : /^\d{1,9}$/.test(v) ? Number(v) : undefined;
    case "list":
      return def.options?.includes(v) || def.understood?.includes(v) ? v : undefined;
    default:
      return v;
  }
}

/** Submitted fields → configuration changes; unknown fields or bad values give `bad`. */
function parseChanges(fields: Map<string, string[]>, bad: Fail): Result<Partial<NodeConfig>> {
  const changes: Record<string, unknown> = {};
  for (const [name, values] of fields) {
    if (name === "pubsub#node_type") {
      // §8.1.3: every node here is a leaf; asking for a collection names the missing feature.
      if (values.length === 1 && values[0] === "leaf") continue;
      return values.length === 1 && values[0] === "collection" ? fail("unsupported", "collections") : bad;
    }
    const def = CONFIG_FIELDS[name];
    const value = def && parseValue(def, values);
    if (!def || value === undefined) return bad;
    changes[def.key] = value;
  }
  return ok(changes as Partial<NodeConfig>);
}

/**
 * A submitted node_config form (create or configure). Undefined element → no changes.
 * XEP-0060 §8.2.5.3: an invalid form or value → not-acceptable.
 */
export function parseConfigForm(el: Element | undefined): Result<Partial<NodeConfig>> | "cancel" {
  if (!el) return ok({});
  const form = parseForm(el);
  if (form?.type === "cancel") return "cancel";
  if (form?.type !== "submit") return fail("not-acceptable");
  if (form.formType !== undefined && form.formType !== NS_PUBSUB_NODE_CONFIG) return fail("not-acceptable");
  return parseChanges(form.fields, fail("not-acceptable"));
}

/** §7.1.5: publish-options preconditions; an option we do not know can never be met. */
export function parsePublishOptions(el: Element | undefined): Result<Partial<NodeConfig> | undefined> {
  if (!el) return ok(undefined);
  const form = parseForm(el);
  if (!form || form.formType !== NS_PUBSUB_PUBLISH_OPTIONS) return fail("bad-request");
  return parseChanges(form.fields, fail("precondition-not-met"));
}

/** §5.4: the meta-data form of disco#info on a node. */
export function makeMetaDataForm(meta: NodeMeta): Element {
  const { config } = meta.node;
  const text = (name: string, value: string, type: FormField["type"] = "text-single"): FormField => ({
    var: name,
    type,
    values: [value],
  });
  return makeForm({
    type: "result",
    formType: NS_PUBSUB_META_DATA,
    fields: [
      text("pubsub#title", config.title),
      text("pubsub#type", config.payloadType),
      text("pubsub#access_model", config.accessModel, "list-single"),
      text("pubsub#publish_model", config.publishModel, "list-single"),
      text("pubsub#max_items", String(config.maxItems)),
      text("pubsub#creator", meta.node.creator, "jid-single"),
      text("pubsub#creation_date", new Date(meta.node.created).toISOString()),
      { var: "pubsub#owner", type: "jid-multi", values: meta.owners },
      { var: "pubsub#publisher", type: "jid-multi", values: meta.publishers },
    ],
  });
}
