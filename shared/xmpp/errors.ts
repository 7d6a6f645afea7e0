/* One table from service error codes to XMPP stanza errors, and the one builder of <error/>, for
 * every xiot service: PubSub, the device registry, control (agent and hub) and ad-hoc commands.
 * Services return codes (`{ ok: false, error: "item-not-found" }`); their protocol edges turn a
 * code into the `<error/>` of the reply with makeError() (docs: STYLE.md §1.2 convention 3).
 * References: RFC 6120 §8.3.2 (syntax: defined condition, optional <text/>, optional application
 * condition), §8.3.3 (the defined conditions); XEP-0060 §§6–8 (error cases of every use case) and
 * §14.2 (the pubsub#errors application conditions); XEP-0325 §3.5 (<paramError/> naming the
 * parameter); XEP-0050 §4.4 (ad-hoc command errors); XEP-0347 §3.5 (claim errors); docs/design.md
 * §2 (command metadata: the refusals of `urn:xiot:command:0`). */
import xml, { type Element } from "@xmpp/xml";
import { NS_COMMANDS, NS_IOT_CONTROL, NS_PUBSUB_ERRORS, NS_STANZAS, NS_XIOT_COMMAND } from "./ns";

/** RFC 6120 §8.3.2: the `type` attribute of `<error/>`. */
export const ERROR_TYPES = ["auth", "cancel", "continue", "modify", "wait"] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** RFC 6120 §8.3.3.1–§8.3.3.22, in the order of the RFC. */
export const DEFINED_CONDITIONS = [
  "bad-request",
  "conflict",
  "feature-not-implemented",
  "forbidden",
  "gone",
  "internal-server-error",
  "item-not-found",
  "jid-malformed",
  "not-acceptable",
  "not-allowed",
  "not-authorized",
  "policy-violation",
  "recipient-unavailable",
  "redirect",
  "registration-required",
  "remote-server-not-found",
  "remote-server-timeout",
  "resource-constraint",
  "service-unavailable",
  "subscription-required",
  "undefined-condition",
  "unexpected-request",
] as const;
export type DefinedCondition = (typeof DEFINED_CONDITIONS)[number];

/** An application-specific condition: an element in its own namespace (RFC 6120 §8.3.2). */
export interface AppCondition {
  ns: string;
  name: string;
}

export interface ErrorSpec {
  type: ErrorType;
  condition: DefinedCondition;
  /** The application condition, if any. XEP-0325's `<paramError/>` is sent only with a `param`. */
  app?: AppCondition;
}

const pubsub = (name: string): AppCondition => ({ ns: NS_PUBSUB_ERRORS, name });
const paramError: AppCondition = { ns: NS_IOT_CONTROL, name: "paramError" };
const command = (name: string): AppCondition => ({ ns: NS_XIOT_COMMAND, name });

/** Every service error code, with the stanza error it is sent as. */
export const ERRORS = {
  // Shared by every service (PubSub, devices, control, disco, the router).
  "bad-request": { type: "modify", condition: "bad-request" }, // RFC 6120 §8.3.3.1
  forbidden: { type: "auth", condition: "forbidden" }, // §8.3.3.4; XEP-0060 §6.1.3.8, §7.1.3.1, §8.2.3.2
  "item-not-found": { type: "cancel", condition: "item-not-found" }, // §8.3.3.7; XEP-0060 §7.1.3.3
  conflict: { type: "cancel", condition: "conflict" }, // §8.3.3.2; XEP-0060 §8.1.3.3; docs/design.md §2 append-only
  "not-acceptable": { type: "modify", condition: "not-acceptable" }, // §8.3.3.9; XEP-0060 §8.2.5.3
  "not-allowed": { type: "cancel", condition: "not-allowed" }, // §8.3.3.10; XEP-0060 §8.4.3
  "not-authorized": { type: "auth", condition: "not-authorized" }, // §8.3.3.11; XEP-0347 §3.5 (bad key)
  "feature-not-implemented": { type: "cancel", condition: "feature-not-implemented" }, // §8.3.3.3
  "service-unavailable": { type: "cancel", condition: "service-unavailable" }, // §8.3.3.19
  "internal-server-error": { type: "wait", condition: "internal-server-error" }, // §8.3.3.6
  /** A handler threw: a bug, answered once by the IQ router (STYLE.md §1.2 convention 3). */
  "handler-failed": { type: "cancel", condition: "internal-server-error" }, // RFC 6120 §8.3.3.6
  "rate-limited": { type: "wait", condition: "policy-violation" }, // RFC 6120 §8.3.3.12
  /** A JID that does not prepare (shared/jid.ts, RFC 7622 §3); PubSub answers invalid-jid. */
  "jid-malformed": { type: "modify", condition: "jid-malformed" }, // RFC 6120 §8.3.3.8
  /** A store's disk is full: nothing was written; retry later (hub/db/errors.ts). */
  "storage-full": { type: "wait", condition: "resource-constraint" }, // RFC 6120 §8.3.3.18
  /** Too many failed claims or registrations; the text says when to retry. */
  "locked-out": { type: "wait", condition: "policy-violation" }, // RFC 6120 §8.3.3.12

  // PubSub (XEP-0060; application conditions of §14.2).
  "precondition-not-met": { type: "cancel", condition: "conflict", app: pubsub("precondition-not-met") }, // §7.1.5
  "payload-too-big": { type: "modify", condition: "not-acceptable", app: pubsub("payload-too-big") }, // §7.1.3.4
  "invalid-payload": { type: "modify", condition: "bad-request", app: pubsub("invalid-payload") }, // §7.1.3.5
  "item-required": { type: "modify", condition: "bad-request", app: pubsub("item-required") }, // §7.1.3.6, §7.2.3.4
  "payload-required": { type: "modify", condition: "bad-request", app: pubsub("payload-required") }, // §7.1.3.6
  "item-forbidden": { type: "modify", condition: "bad-request", app: pubsub("item-forbidden") }, // §7.1.3.6
  "nodeid-required": { type: "modify", condition: "bad-request", app: pubsub("nodeid-required") }, // §7.2.3.3, §8.2.3.4
  "invalid-jid": { type: "modify", condition: "bad-request", app: pubsub("invalid-jid") }, // §6.1.3.1
  "jid-required": { type: "modify", condition: "bad-request", app: pubsub("jid-required") }, // §6.3.4.3
  "subid-required": { type: "modify", condition: "bad-request", app: pubsub("subid-required") }, // §6.2.3.1
  "invalid-subid": { type: "modify", condition: "not-acceptable", app: pubsub("invalid-subid") }, // §6.2.3.5
  "invalid-options": { type: "modify", condition: "bad-request", app: pubsub("invalid-options") }, // §6.3.6.2
  "not-subscribed": { type: "cancel", condition: "unexpected-request", app: pubsub("not-subscribed") }, // §6.2.3.2
  "subscription-required": { type: "auth", condition: "not-authorized", app: pubsub("not-subscribed") }, // §6.5.9.3
  "pending-subscription": { type: "auth", condition: "not-authorized", app: pubsub("pending-subscription") }, // §6.1.3.7
  "presence-subscription-required": {
    type: "auth",
    condition: "not-authorized",
    app: pubsub("presence-subscription-required"),
  }, // §6.1.3.2
  "not-in-roster-group": { type: "auth", condition: "not-authorized", app: pubsub("not-in-roster-group") }, // §6.1.3.3
  "closed-node": { type: "cancel", condition: "not-allowed", app: pubsub("closed-node") }, // §6.1.3.4, §6.5.9.6
  "too-many-subscriptions": {
    type: "cancel",
    condition: "not-allowed",
    app: pubsub("too-many-subscriptions"),
  }, // §14.2
  "max-nodes-exceeded": { type: "cancel", condition: "not-allowed", app: pubsub("max-nodes-exceeded") }, // §14.2
  "max-items-exceeded": { type: "modify", condition: "not-acceptable", app: pubsub("max-items-exceeded") }, // §14.2
  unsupported: { type: "cancel", condition: "feature-not-implemented", app: pubsub("unsupported") }, // §7.1.3.2 etc.

  // Control (XEP-0325 §3.5: an error about one parameter names it in <paramError/>).
  "unknown-field": { type: "cancel", condition: "item-not-found", app: paramError }, // XEP-0325 §3.5
  "bad-value": { type: "modify", condition: "bad-request", app: paramError }, // XEP-0325 §3.5
  "device-error": { type: "wait", condition: "internal-server-error", app: paramError }, // XEP-0325 §3.5
  /** Refused after `issued + ttl` by the hub's clock (docs/design.md §2). */
  expired: { type: "cancel", condition: "not-acceptable" }, // RFC 6120 §8.3.3.9

  // Command metadata (docs/design.md §2): a sound command the device would not judge or apply, told
  // apart by an application condition in the namespace of `<cmd/>` itself. The defined condition
  // and type alone tell a controller that knows none of them what to do: retry later, fix the
  // clock, or give up.
  /** The device does not know the hub's time yet (it waited for it first): nothing moved, and the
   * same command may well be applied a few seconds later. §8.3.3.22 unexpected-request with `wait`:
   * the request is understood but comes before the device can take it, and retrying later is the
   * remedy. Not internal-server-error (nothing is broken), nor resource-constraint (the device is
   * not busy or short of anything it could free). */
  "clock-unknown": { type: "wait", condition: "unexpected-request", app: command("clock-unknown") }, // RFC 6120 §8.3.3.22
  /** `issued` lies ahead of the hub's clock beyond the tolerance. §8.3.3.9 not-acceptable with
   * `modify`: the request fails the device's criteria and only a command stamped anew (by a clock
   * put right) can pass; `modify` also tells it from `expired` (`cancel`). */
  "issued-in-future": {
    type: "modify",
    condition: "not-acceptable",
    app: command("issued-in-future"),
  }, // RFC 6120 §8.3.3.9
  /** A lower `seq` than the issuer last had applied to the channel: a newer command holds it.
   * §8.3.3.2 conflict with `cancel`: sending the same command again can never succeed. The
   * condition names the channel in `var`, as `<paramError/>` would (one application condition per
   * error, RFC 6120 §8.3.2). */
  "stale-seq": { type: "cancel", condition: "conflict", app: command("stale-seq") }, // RFC 6120 §8.3.3.2

  // Ad-hoc commands (XEP-0050 §4.4).
  "malformed-action": {
    type: "modify",
    condition: "bad-request",
    app: { ns: NS_COMMANDS, name: "malformed-action" },
  }, // XEP-0050 §4.4
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  /** The `feature` attribute of pubsub#errors `<unsupported/>` (a feature name without its prefix). */
  feature?: string;
  /** The parameter an XEP-0325 `<paramError/>` names (its `var`); it carries `text` too. The
   * channel a command refusal of `urn:xiot:command:0` names (its `var`; no text). */
  param?: string;
  /** Human-readable text; never echo client data such as payloads here. */
  text?: string;
  /** `xml:lang` of the text: "en" unless given; null sends none. */
  lang?: string | null;
}

/** Builds the `<error/>` child of an error reply for a service error code. */
export function makeError(code: ErrorCode, detail: ErrorDetail = {}): Element {
  const spec: ErrorSpec = ERRORS[code];
  // RFC 6120 §8.3.2: defined condition, then optional <text/>, then the application condition.
  const children: Element[] = [xml(spec.condition, { xmlns: NS_STANZAS })];
  if (detail.text !== undefined) children.push(makeText(detail.text, detail.lang));
  const app = spec.app && makeAppCondition(spec.app, detail);
  if (app) children.push(app);
  return xml("error", { type: spec.type }, ...children);
}

function makeText(text: string, lang: string | null = "en"): Element {
  const attrs: Record<string, string> = { xmlns: NS_STANZAS };
  if (lang !== null) attrs["xml:lang"] = lang;
  return xml("text", attrs, text);
}

function makeAppCondition(app: AppCondition, detail: ErrorDetail): Element | undefined {
  if (app.ns === NS_IOT_CONTROL) {
    // XEP-0325 §3.5: <paramError var='…'>text</paramError>; with no parameter there is none.
    if (detail.param === undefined) return undefined;
    return xml(
      app.name,
      { xmlns: app.ns, var: detail.param },
      ...(detail.text === undefined ? [] : [detail.text]),
    );
  }
  const attrs: Record<string, string> = { xmlns: app.ns };
  // docs/design.md §2: a command refusal about one channel names it (`<stale-seq var='relay'/>`).
  if (app.ns === NS_XIOT_COMMAND && detail.param !== undefined) attrs.var = detail.param;
  // XEP-0060 §7.1.3.2 etc.: <unsupported feature='…'/> names the missing feature.
  if (app.ns === NS_PUBSUB_ERRORS && app.name === "unsupported" && detail.feature !== undefined)
    attrs.feature = detail.feature;
  return xml(app.name, attrs);
}

/** True for an `<error/>` element (what handlers return for an error reply). */
export const isErrorElement = (el: Element | undefined): boolean => el?.name === "error";
