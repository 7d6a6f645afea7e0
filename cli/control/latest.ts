/* The newest readings of a device, with units, for `xiot devices`: the last item of its readings
 * node and its meta (units live there), read as the logged-in user. A node the user may not read
 * (or that has no item yet) gives no values, never an error.
 * References: XEP-0060 §6.5.7 (requesting the most recent items, max_items), docs/design.md §2
 * (readings document, meta). */
import { formatValue } from "../../shared/format";
import { metaNode, readingsNode } from "../../shared/model";
import type { IqRequest } from "../../shared/xmpp/adhoc";
import { makeItems, parseItemsResult } from "../../shared/xmpp/pubsub";
import { decodeReadings, parseMeta } from "../../shared/xmpp/pubsub-device";

export interface LatestValue {
  channel: string;
  value: number | boolean | string;
  unit?: string;
}

/** The newest value of each channel in the device's last readings item, in channel order. */
export async function latestValues(request: IqRequest, hub: string, device: string): Promise<LatestValue[]> {
  const newest = await lastItem(request, hub, readingsNode(device));
  const doc = newest && decodeReadings(newest);
  if (!doc?.ok) return [];
  const meta = await lastItem(request, hub, metaNode(device));
  const channels = (meta && parseMeta(meta)?.channels) || [];
  const units = new Map(channels.map((c) => [c.name, c.unit]));
  const byChannel = new Map<string, { t: number; v: number | boolean | string }>();
  for (const r of doc.value.r) {
    const seen = byChannel.get(r.c);
    if (seen === undefined || r.t >= seen.t) byChannel.set(r.c, { t: r.t, v: r.v });
  }
  return [...byChannel]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channel, { v }]) => {
      const unit = units.get(channel);
      return { channel, value: v, ...(unit && { unit }) };
    });
}

/** `temperature 21.4 °C, relay on`. */
export function formatValues(values: readonly LatestValue[]): string {
  if (values.length === 0) return "-";
  return values
    .map(({ channel, value, unit }) => {
      // The one formatter of chat, status and the dashboard (shared/format.ts).
      return `${channel} ${formatValue(value, unit)}`;
    })
    .join(", ");
}

async function lastItem(request: IqRequest, hub: string, node: string) {
  try {
    return parseItemsResult(await request(makeItems(hub, node, { maxItems: 1 }))).items[0];
  } catch {
    // Why: a node this user may not read, or one not created yet, simply has no values to show.
    return undefined;
  }
}
