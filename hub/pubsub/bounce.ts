/* What a bounced notification means for the subscription.
 * References: RFC 6120 §8.3 (error types and conditions), XEP-0060 §7.1.2 (notifications). */
import type { Element } from "@xmpp/xml";
import { NS_STANZAS } from "../../shared/xmpp/ns";

/** Conditions that say the address will never accept a notification (RFC 6120 §8.3.3). */
const PERMANENT = new Set(["remote-server-not-found", "jid-malformed", "gone", "item-not-found"]);

export interface BounceDecision {
  action: "keep" | "drop";
  type: string | undefined;
  condition: string | undefined;
}

/**
 * What a bounced notification means for the subscription. `wait` errors and
 * recipient-unavailable never remove it: the subscriber is only away and catches up with
 * <items/> when back. Only permanent `cancel` errors about the address itself drop it.
 */
export function classifyBounce(stanza: Element): BounceDecision {
  const error = stanza.getChild("error");
  const type = error?.attrs.type as string | undefined;
  const condition = error?.getChildElements().find((c) => c.attrs.xmlns === NS_STANZAS)?.name;
  if (type === "wait" || condition === "recipient-unavailable") return { action: "keep", type, condition };
  if (type === "cancel" && condition !== undefined && PERMANENT.has(condition)) {
    return { action: "drop", type, condition };
  }
  return { action: "keep", type, condition };
}
