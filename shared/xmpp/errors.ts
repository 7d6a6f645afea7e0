/* One table from service error codes to XMPP stanza errors, and the builder of <error/>.
 * References: RFC 6120 §8.3 (stanza errors), XEP-0060 §§6–8 (error cases of every use case) and
 * §14.2 (the pubsub#errors application conditions). */
import xml, { type Element } from "@xmpp/xml";
import { NS_PUBSUB_ERRORS, NS_STANZAS } from "./ns";

export type ErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

export interface ErrorSpec {
  type: ErrorType;
  /** RFC 6120 defined condition. */
  condition: string;
  /** XEP-0060 pubsub#errors application condition, if any. */
  pubsub?: string;
}

/** XEP-0060 error cases, keyed by the codes services return in `{ ok: false, error }`. */
export const ERRORS = {
  "item-not-found": { type: "cancel", condition: "item-not-found" }, // §6.1.3.11, §7.1.3.3, §7.2.3.2
  forbidden: { type: "auth", condition: "forbidden" }, // §6.1.3.8, §7.1.3.1, §8.2.3.2
  conflict: { type: "cancel", condition: "conflict" }, // §8.1.3.3 (node exists), docs/design.md §2 append-only
  "precondition-not-met": { type: "cancel", condition: "conflict", pubsub: "precondition-not-met" }, // §7.1.5
  "not-acceptable": { type: "modify", condition: "not-acceptable" }, // §8.2.5.3 invalid configuration
  "payload-too-big": { type: "modify", condition: "not-acceptable", pubsub: "payload-too-big" }, // §7.1.3.4
  "invalid-payload": { type: "modify", condition: "bad-request", pubsub: "invalid-payload" }, // §7.1.3.5
  "item-required": { type: "modify", condition: "bad-request", pubsub: "item-required" }, // §7.1.3.6, §7.2.3.4
  "payload-required": { type: "modify", condition: "bad-request", pubsub: "payload-required" }, // §7.1.3.6
  "item-forbidden": { type: "modify", condition: "bad-request", pubsub: "item-forbidden" }, // §7.1.3.6
  "nodeid-required": { type: "modify", condition: "bad-request", pubsub: "nodeid-required" }, // §7.2.3.3, §8.2.3.4
  "invalid-jid": { type: "modify", condition: "bad-request", pubsub: "invalid-jid" }, // §6.1.3.1
  "jid-required": { type: "modify", condition: "bad-request", pubsub: "jid-required" }, // §6.3.4.3
  "subid-required": { type: "modify", condition: "bad-request", pubsub: "subid-required" }, // §6.2.3.1
  "invalid-subid": { type: "modify", condition: "not-acceptable", pubsub: "invalid-subid" }, // §6.2.3.5
  "invalid-options": { type: "modify", condition: "bad-request", pubsub: "invalid-options" }, // §6.3.6.2
  "not-subscribed": { type: "cancel", condition: "unexpected-request", pubsub: "not-subscribed" }, // §6.2.3.2
  "subscription-required": { type: "auth", condition: "not-authorized", pubsub: "not-subscribed" }, // §6.5.9.3
  "pending-subscription": { type: "auth", condition: "not-authorized", pubsub: "pending-subscription" }, // §6.1.3.7
  "presence-subscription-required": {
    type: "auth",
    condition: "not-authorized",
    pubsub: "presence-subscription-required",
  }, // §6.1.3.2
  "not-in-roster-group": { type: "auth", condition: "not-authorized", pubsub: "not-in-roster-group" }, // §6.1.3.3
  "closed-node": { type: "cancel", condition: "not-allowed", pubsub: "closed-node" }, // §6.1.3.4, §6.5.9.6
  "not-allowed": { type: "cancel", condition: "not-allowed" }, // §8.4.3 (e.g. deleting the root)
  "too-many-subscriptions": { type: "cancel", condition: "not-allowed", pubsub: "too-many-subscriptions" },
  "max-nodes-exceeded": { type: "cancel", condition: "not-allowed", pubsub: "max-nodes-exceeded" },
  "max-items-exceeded": { type: "modify", condition: "not-acceptable", pubsub: "max-items-exceeded" },
  "rate-limited": { type: "wait", condition: "policy-violation" }, // RFC 6120 §8.3.3.12
  unsupported: { type: "cancel", condition: "feature-not-implemented", pubsub: "unsupported" }, // §7.1.3.2 etc.
  "bad-request": { type: "modify", condition: "bad-request" },
  "feature-not-implemented": { type: "cancel", condition: "feature-not-implemented" },
  "service-unavailable": { type: "cancel", condition: "service-unavailable" },
  "internal-server-error": { type: "wait", condition: "internal-server-error" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  /** The `feature` attribute of `<unsupported/>` (a pubsub feature name without its prefix). */
  feature?: string;
  /** Human-readable text; never echo client data such as payloads here. */
  text?: string;
}

/** Builds the `<error/>` child of an error reply for a service error code. */
export function makeError(code: ErrorCode, detail: ErrorDetail = {}): Element {
  const spec: ErrorSpec = ERRORS[code];
  // RFC 6120 §8.3.2: defined condition, then optional <text/>, then the application condition.
  const children: Element[] = [xml(spec.condition, { xmlns: NS_STANZAS })];
  if (detail.text !== undefined)
    children.push(xml("text", { xmlns: NS_STANZAS, "xml:lang": "en" }, detail.text));
  if (spec.pubsub !== undefined) {
    const attrs: Record<string, string> = { xmlns: NS_PUBSUB_ERRORS };
    if (spec.pubsub === "unsupported" && detail.feature !== undefined) attrs.feature = detail.feature;
    children.push(xml(spec.pubsub, attrs));
  }
  return xml("error", { type: spec.type }, ...children);
}

/** True for an `<error/>` element (what handlers return for an error reply). */
export const isErrorElement = (el: Element | undefined): boolean => el?.name === "error";
