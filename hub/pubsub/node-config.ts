/* Node configuration: defaults (with the injected rules' own) and validation of changes.
 * References: XEP-0060 §16.4.3 (pubsub#node_config fields), §4.5 (access models), §8.3
 * (default configuration). */
import type { NodeRules } from "./rules";
import type { NodeConfig } from "./storage/types";
import { type Fail, fail, ok, type PubsubLimits, type Result } from "./types";

export const BASE_NODE_CONFIG: NodeConfig = {
  title: "",
  accessModel: "open",
  publishModel: "publishers",
  maxItems: 100,
  itemExpire: 0,
  notifyRetract: true,
  notifyDelete: true,
  notifyConfig: false,
  deliverPayloads: true,
  deliverNotifications: true,
  persistItems: true,
  sendLastPublishedItem: "never",
  notificationType: "headline",
  payloadType: "",
};

/** Defaults for a node about to be created: the service's defaults, then the injected rules
 * (device nodes, …). A default never exceeds the service's max_items ceiling (a small ceiling
 * must not make creation fail). */
export function defaultConfigFor(
  node: string,
  overrides: Partial<NodeConfig> = {},
  ceiling = Number.POSITIVE_INFINITY,
  rules: Pick<NodeRules, "nodeDefaults"> = {},
): NodeConfig {
  const base = { ...BASE_NODE_CONFIG, ...overrides };
  const config = rules.nodeDefaults ? rules.nodeDefaults(node, base) : base;
  return typeof config.maxItems === "number" && config.maxItems > ceiling
    ? { ...config, maxItems: ceiling }
    : config;
}

const ACCESS = ["open", "authorize", "whitelist"];
const PUBLISH = ["publishers", "subscribers", "open"];

/** Checks a configuration after changes were merged in; unsupported values name their feature. */
export function validateConfig(config: NodeConfig, limits: PubsubLimits): Result<NodeConfig> {
  // XEP-0060 §4.5: presence and roster access need the server's rosters, which a component
  // cannot read.
  if (config.accessModel === "presence" || config.accessModel === "roster") {
    return fail("unsupported", `access-${config.accessModel}`);
  }
  const bad = invalidField(config, limits);
  return bad ?? ok(config);
}

function invalidField(c: NodeConfig, limits: PubsubLimits): Fail | undefined {
  if (!ACCESS.includes(c.accessModel) || !PUBLISH.includes(c.publishModel)) return fail("not-acceptable");
  if (c.maxItems !== "max" && (!Number.isInteger(c.maxItems) || c.maxItems < 1))
    return fail("not-acceptable");
  if (c.maxItems !== "max" && c.maxItems > limits.maxItemsCeiling) return fail("max-items-exceeded");
  if (!Number.isInteger(c.itemExpire) || c.itemExpire < 0) return fail("not-acceptable");
  if (c.sendLastPublishedItem !== "never" && c.sendLastPublishedItem !== "on_sub")
    return fail("not-acceptable");
  if (c.notificationType !== "headline" && c.notificationType !== "normal") return fail("not-acceptable");
  if (c.title.length > 1024 || c.payloadType.length > 1024) return fail("not-acceptable");
  return undefined;
}

/** The number of items a node keeps. */
export const effectiveMaxItems = (config: NodeConfig, limits: PubsubLimits): number =>
  config.maxItems === "max" ? limits.maxItemsCeiling : config.maxItems;
