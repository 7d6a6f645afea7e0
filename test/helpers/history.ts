/* Reading a device's whole history over XMPP in tests: every page of a urn:xiot:history:0 query,
 * following the RSM cursor (docs/history.md). */
import type { Element } from "@xmpp/xml";
import type { Reading } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import {
  type HistoryAnswer,
  type HistoryRequest,
  makeHistoryQuery,
  parseHistoryAnswer,
} from "../../shared/xmpp/history";

export const HISTORY_HUB = "hub.localhost";

/** Every page of a history query, one answer per page (at most `maxPages`). */
export async function allPages(
  client: ClientConnection,
  r: HistoryRequest,
  maxPages = 1000,
): Promise<HistoryAnswer[]> {
  const pages: HistoryAnswer[] = [];
  let after: string | undefined;
  do {
    const iq = makeHistoryQuery(HISTORY_HUB, `h${pages.length}`, { ...r, ...(after ? { after } : {}) });
    const parsed = parseHistoryAnswer((await client.request(iq)).getChild("query") as Element);
    if (!parsed.ok) throw new Error(parsed.text);
    pages.push(parsed.value);
    after = parsed.value.next;
  } while (after && pages.length < maxPages);
  return pages;
}

/** The raw points of the pages, as readings. */
export const pointsOf = (pages: HistoryAnswer[]): Reading[] =>
  pages.flatMap((p) =>
    p.series.flatMap((s) =>
      s.points.map((pt): Reading => ({ c: s.channel, t: pt.t, v: pt.v, ...(pt.q ? { q: pt.q } : {}) })),
    ),
  );
