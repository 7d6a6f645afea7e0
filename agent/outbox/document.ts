/* References: docs/design.md §2 (item id `<bootId>-<seq>`; `gap` only when readings were dropped),
 * docs/protocol.md (optional `gap.boot` for a gap from an earlier boot).
 *
 * The glue between a readings document and the outbox: builds the record for a document and puts
 * the outbox's pending gap into it, inside the store's write order (see BuildRecord). */
import { type Gap, itemId, type ReadingsDocument } from "../../shared/model";
import type { BuildRecord } from "./store";

/** Encodes a document to the bytes published in the item (EXI4JSON, or JSON text). */
export type EncodeDocument = (doc: ReadingsDocument) => Uint8Array;

/** The BuildRecord for `doc`: it carries the oldest pending gap, if any, and is encoded then. */
export function documentRecord(doc: ReadingsDocument, encode: EncodeDocument): BuildRecord {
  return (pending) => {
    if (pending === undefined)
      return { itemId: itemId(doc.boot, doc.seq), count: doc.r.length, payload: encode(doc) };
    const gap: Gap = { n: pending.n, from: pending.from, to: pending.to };
    // docs/protocol.md: `gap.boot` only when the dropped documents belong to an earlier boot.
    if (pending.boot !== doc.boot) gap.boot = pending.boot;
    const withGap: ReadingsDocument = { ...doc, gap };
    return { itemId: itemId(doc.boot, doc.seq), count: doc.r.length, gap: pending, payload: encode(withGap) };
  };
}

/** JSON text encoding (`encoding='json'` items), for debugging and until the EXI codec is wired. */
export const encodeJson: EncodeDocument = (doc) => Buffer.from(JSON.stringify(doc), "utf8");
