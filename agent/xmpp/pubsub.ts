/* The agent's side of XEP-0060: make sure its nodes exist, publish outbox records (the stanzas
 * come from shared/xmpp/pubsub*.ts).
 * References: XEP-0060 §7.1 (publish an item with an id; §7.1.3 its errors), §8.1 (create a node;
 * §8.1.3.3 `conflict` when it exists), docs/design.md §2 (node names; readings item payload; append-only
 * readings nodes), RFC 6120 §8.3.2 (error types), §8.3.3 (conditions), docs/protocol.md ("Publish
 * errors": which refusals quarantine a document). */
import type { Element } from "@xmpp/xml";
import { makeEncodedReadingsPayload } from "../../shared/exi/payload";
import { NS_STANZAS } from "../../shared/xmpp/ns";
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

/** What the outbox does with a refused publish: keep it and retry, or quarantine the document. */
type Verdict = "retry" | "quarantine";

/**
 * The refusals that are about the document itself, so that the same publish can never succeed:
 * only these quarantine it (docs/protocol.md, "Publish errors"). Keys are `<condition>` or
 * `<condition>/<pubsub#errors condition>`; the error type is not trusted for this (a full data
 * folder has been answered `cancel/internal-server-error`). Everything else, whatever its type, is
 * a condition of the hub, the node or the account that may clear: the record stays and is retried
 * with backoff, so no reading is lost to a transient fault.
 */
export const DOCUMENT_REFUSALS: Readonly<Record<string, string>> = {
  "bad-request/invalid-payload": "XEP-0060 §7.1.3.5: the payload does not fit the node",
  "not-acceptable/payload-too-big": "XEP-0060 §7.1.3.4: the document is larger than the hub takes",
  // The item id does not parse (hub/pubsub/service-items.ts): it comes from the record, so it never will.
  "bad-request": "RFC 6120 §8.3.3.1: the item or its id is malformed",
  // docs/design.md §2: the id exists on the append-only node with another payload.
  conflict: "append-only readings node holds this item id with a different payload",
};

/** The verdict for one error reply: a document refusal from the table, else retry. */
export function publishVerdict(condition: string, application?: string): Verdict {
  const key = application === undefined ? condition : `${condition}/${application}`;
  return key in DOCUMENT_REFUSALS ? "quarantine" : "retry";
}

/** Maps a publish attempt onto the outbox's outcomes (RFC 6120 §8.3.2, docs/protocol.md). */
export function publishOutcome(error: unknown): PublishOutcome {
  const stanza = stanzaErrorOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (stanza === undefined) return { kind: "wait", reason };
  // The hub's <text/> says what is wrong with a refused document (shared/readings/validate.ts);
  // it goes with the record into the quarantine.
  const described = `${stanza.type}/${stanza.condition}${stanza.application ? `+${stanza.application}` : ""}${
    stanza.text ? `: ${stanza.text}` : ""
  }`;
  return publishVerdict(stanza.condition, stanza.application) === "quarantine"
    ? { kind: "refused", reason: described }
    : { kind: "wait", reason: described };
}

/** Type, condition and application condition of an error reply, from ours
 * (shared/xmpp/stanza-error) or @xmpp's. */
export function stanzaErrorOf(
  error: unknown,
): { type: string; condition: string; application?: string; text?: string } | undefined {
  if (error instanceof StanzaError) {
    return errorFields(error.type, error.condition, error.application?.name, error.text);
  }
  const e = error as { name?: unknown; type?: unknown; condition?: unknown; element?: unknown } | null;
  if (e?.name === "StanzaError" && typeof e.type === "string" && typeof e.condition === "string") {
    const text = (e.element as Element | undefined)?.getChildText?.("text", NS_STANZAS) ?? undefined;
    return errorFields(e.type, e.condition, applicationOf(e.element), text);
  }
  return undefined;
}

function errorFields(type: string, condition: string, application?: string, text?: string) {
  return {
    type,
    condition,
    ...(application !== undefined && { application }),
    ...(text !== undefined && text !== "" && { text }),
  };
}

/** @xmpp/error keeps the `<error/>` element; its child outside the stanzas namespace, if any. */
function applicationOf(element: unknown): string | undefined {
  const el = element as Element | undefined;
  if (el === undefined || el === null || !Array.isArray(el.children)) return undefined;
  const child = el.children.find(
    (c): c is Element => typeof c !== "string" && c.attrs?.xmlns !== NS_STANZAS && c.name !== "text",
  );
  return child?.name;
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
