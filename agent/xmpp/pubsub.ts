/* The agent's side of XEP-0060: create its nodes, let allowed JIDs in, publish items.
 * References: XEP-0060 §7.1 (publish an item with an id), §8.1 (create a node; §8.1.3.3 `conflict`
 * when it exists), §8.9 (manage affiliations), docs/design.md §2 (node names; readings item payload). */
import xml, { type Element } from "@xmpp/xml";
import { toBase64 } from "../../shared/exi";
import { NS_PUBSUB, NS_PUBSUB_OWNER, NS_READINGS } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import type { PublishOutcome } from "../outbox/outbox";
import type { OutboxRecord } from "../outbox/store";

export type Request = (iq: Element, timeoutMs?: number) => Promise<Element>;

export function makeCreate(to: string, node: string): Element {
  return xml("iq", { type: "set", to }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("create", { node })));
}

export function makePublish(to: string, node: string, id: string, payload: Element): Element {
  return xml(
    "iq",
    { type: "set", to },
    xml("pubsub", { xmlns: NS_PUBSUB }, xml("publish", { node }, xml("item", { id }, payload))),
  );
}

export function makeAffiliations(to: string, node: string, members: Record<string, string>): Element {
  const items = Object.entries(members).map(([jid, affiliation]) => xml("affiliation", { jid, affiliation }));
  return xml(
    "iq",
    { type: "set", to },
    xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, xml("affiliations", { node }, ...items)),
  );
}

/** JSON text starts with `{`; EXI4JSON with its header byte 0x80 (so records from a boot with
 * another `encoding` setting are still published as what they are). */
export const encodingOf = (payload: Uint8Array): "exi4json" | "json" =>
  payload[0] === 0x7b ? "json" : "exi4json";

/** The item payload for an outbox record's encoded document (the bytes are published as stored). */
export function readingsElement(payload: Uint8Array): Element {
  const encoding = encodingOf(payload);
  const text = encoding === "json" ? Buffer.from(payload).toString("utf8") : toBase64(payload);
  return xml("readings", { xmlns: NS_READINGS, encoding }, text);
}

/** Creates a node; an existing one (`conflict`, ours from an earlier boot) is fine. */
export async function ensureNode(request: Request, to: string, node: string): Promise<"created" | "exists"> {
  try {
    await request(makeCreate(to, node));
    return "created";
  } catch (error) {
    if (stanzaErrorOf(error)?.condition === "conflict") return "exists";
    throw error;
  }
}

/** Maps a publish attempt onto the outbox's outcomes (RFC 6120 §8.3.2 error types). */
export function publishOutcome(error: unknown): PublishOutcome {
  const stanza = stanzaErrorOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (stanza === undefined) return { kind: "wait", reason };
  const { type } = stanza;
  if (type === "modify" || type === "cancel" || type === "auth") return { kind: type, reason };
  return { kind: "wait", reason };
}

/** Type and condition of an error reply, from ours (shared/xmpp/stanza-error) or @xmpp's. */
export function stanzaErrorOf(error: unknown): { type: string; condition: string } | undefined {
  if (error instanceof StanzaError) return error;
  const e = error as { name?: unknown; type?: unknown; condition?: unknown } | null;
  if (e?.name === "StanzaError" && typeof e.type === "string" && typeof e.condition === "string")
    return { type: e.type, condition: e.condition };
  return undefined;
}

export interface PublisherOptions {
  request: Request;
  hub: string;
  node: string;
  timeoutMs: number;
}

/** The outbox's publish function: one IQ per record, answered or timed out on its own. */
export function readingsPublisher(o: PublisherOptions): (record: OutboxRecord) => Promise<PublishOutcome> {
  return async (record) => {
    try {
      const iq = makePublish(o.hub, o.node, record.itemId, readingsElement(record.payload));
      await o.request(iq, o.timeoutMs);
      return { kind: "ok" };
    } catch (error) {
      return publishOutcome(error);
    }
  };
}
