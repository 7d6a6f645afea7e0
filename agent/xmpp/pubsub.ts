/* The agent's side of XEP-0060: make sure its nodes exist, publish outbox records (the stanzas
 * come from shared/xmpp/pubsub*.ts).
 * References: XEP-0060 §7.1 (publish an item with an id), §8.1 (create a node; §8.1.3.3 `conflict`
 * when it exists), docs/design.md §2 (node names; readings item payload), RFC 6120 §8.3.2. */
import type { Element } from "@xmpp/xml";
import { makeEncodedReadingsPayload } from "../../shared/exi/payload";
import { makePublish } from "../../shared/xmpp/pubsub";
import { makeCreate } from "../../shared/xmpp/pubsub-owner";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import type { PublishOutcome } from "../outbox/outbox";
import type { OutboxRecord } from "../outbox/store";

export type Request = (iq: Element, timeoutMs?: number) => Promise<Element>;

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
      const iq = makePublish(o.hub, o.node, makeEncodedReadingsPayload(record.payload), {
        id: record.itemId,
      });
      await o.request(iq, o.timeoutMs);
      return { kind: "ok" };
    } catch (error) {
      return publishOutcome(error);
    }
  };
}
