/* Payloads in the encoding a subscriber asked for: the ENCODING_OPTION subscription option
 * (XEP-0060 §6.3) names one of the encodings a node's rule offers (rules.ts), and the subscriber's
 * notifications (§7.1.2) and items replies (§6.5) then carry its payloads rendered in it. A payload
 * the rule cannot render within the bound (one reply's budget less its envelope, so any rendered
 * item fits one reply, shared/xmpp/budget.ts) goes as published. docs/protocol.md, "Readings in
 * JSON". */
import { REPLY_ENVELOPE_BYTES } from "../../shared/xmpp/budget";
import { ENCODING_OPTION, type NodeRules, PUBLISHED } from "./rules";
import type { StoredItem } from "./storage/types";
import type { PubsubLimits } from "./types";

/** The most UTF-8 bytes a rendered payload may take. */
export const renderLimit = (limits: Pick<PubsubLimits, "maxReplyBytes">): number =>
  limits.maxReplyBytes - REPLY_ENVELOPE_BYTES;

/** The encoding a subscription's options ask for on `node`, when the node offers it. */
export function askedEncoding(
  rules: Required<NodeRules>,
  node: string,
  options: Record<string, string[]> | undefined,
): string | undefined {
  const asked = options?.[ENCODING_OPTION]?.[0];
  return asked !== undefined && rules.encodings(node).includes(asked) ? asked : undefined;
}

/** An options form's encoding, judged for `node`: false when the node does not offer it
 * (`published` is offered wherever another encoding is). */
export function encodingAllowed(rules: Required<NodeRules>, node: string, values: string[]): boolean {
  const offered = rules.encodings(node);
  const [value] = values;
  return (
    values.length === 1 && offered.length > 0 && (value === PUBLISHED || offered.includes(value as string))
  );
}

/** `items` with their payloads rendered in `encoding` (none: as stored). */
export function renderItems(
  rules: Required<NodeRules>,
  limits: Pick<PubsubLimits, "maxReplyBytes">,
  node: string,
  items: StoredItem[],
  encoding: string | undefined,
): StoredItem[] {
  if (encoding === undefined) return items;
  const max = renderLimit(limits);
  return withPayloads(items, (payload) => rules.render(node, payload, encoding, max));
}

/** `items` with each payload `render` gives (undefined: that item as stored). */
export function withPayloads(
  items: StoredItem[],
  render: (payload: string) => string | undefined,
): StoredItem[] {
  return items.map((item) => {
    const payload = item.payload === "" ? undefined : render(item.payload);
    return payload === undefined ? item : { ...item, payload };
  });
}
