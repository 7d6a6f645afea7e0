/* A readings item in the encoding a subscriber asked for (the `x-xiot#encoding` subscription
 * option, hub/pubsub/encodings.ts): the hub decodes the stored `<readings/>` payload and writes the
 * same document in the other encoding of docs/design.md §2 ("Readings items"), so a client that
 * reads JSON needs no EXI4JSON decoder. The hub validated every stored payload at publish, so a
 * payload that no longer decodes means damaged storage: it goes as stored, as does one whose
 * rendering would exceed the bound (an EXI string table can make a small stream a large JSON).
 * References: XEP-0060 §6.3 (subscription options), §7.1.2 (notifications), docs/protocol.md
 * ("Readings in JSON"). */
import {
  makeReadingsPayload,
  parseReadingsPayload,
  READINGS_ENCODINGS,
  type ReadingsEncoding,
} from "../../shared/exi/payload";
import { utf8Bytes } from "../../shared/xmpp/budget";
import { parseElement } from "../pubsub/xml";

/** The encodings a readings node's payloads can be asked in. */
export const READINGS_RENDERINGS: readonly string[] = READINGS_ENCODINGS;

/** `payload` (a stored `<readings/>` element) in `encoding`, at most `maxBytes`; undefined: send
 * it as stored. */
export function renderReadings(payload: string, encoding: string, maxBytes: number): string | undefined {
  if (!READINGS_RENDERINGS.includes(encoding)) return undefined;
  let parsed: ReturnType<typeof parseReadingsPayload>;
  try {
    parsed = parseReadingsPayload(parseElement(payload));
  } catch {
    return undefined;
  }
  if (parsed.encoding === encoding) return undefined;
  const text = makeReadingsPayload(parsed.document, encoding as ReadingsEncoding).toString();
  return utf8Bytes(text) <= maxBytes ? text : undefined;
}
