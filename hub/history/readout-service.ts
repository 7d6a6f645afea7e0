/* XEP-0323 historical readouts of the hub's devices, answered from telemetry history: the hub is
 * the concentrator of its devices (XEP-0326), each device a node named by its id, so a readout
 * of a device works while the device is offline. Access is the one rule that guards the
 * device's readings node (./service.ts mayReadHistory), decided when the answer is built.
 * References: XEP-0323 §3.1 (req → accepted, then fields messages), §3.2 (failure), §3.3
 * (rejected: an IQ error; bad-request for a request without node information), §3.4 (historical
 * values over several messages, the last `done`), §3.5 (nodes), §3.6 (field names restrict the
 * channels), §5.5 (field types historicalMinute, historicalHour, historicalOther; peak, computed);
 * XEP-0326 §3 (nodes behind a concentrator's JID); docs/history.md (tiers). */
import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { isDeviceId } from "../../shared/model";
import { utf8Bytes } from "../../shared/xmpp/budget";
import { makeError } from "../../shared/xmpp/errors";
import { NS_IOT_SENSORDATA } from "../../shared/xmpp/ns";
import {
  type HistoricalType,
  makeAccepted,
  makeFailure,
  makeFieldsMessages,
  parseHistoricalAsk,
  parseReadoutRequest,
  type ReadoutRequest,
  type SensorField,
} from "../../shared/xmpp/sensordata";
import type { AccessRule } from "../access/rule";
import type { IqRoute, SendStanza } from "../iq-types";
import { mayReadHistory, readSeries, type SeriesRows } from "./service";
import { autoTier, DAY, type HistoryStore, type Tier } from "./types";

export interface HistoryReadoutDeps {
  history: HistoryStore;
  access: Pick<AccessRule, "factsOf" | "refusal">;
  send: SendStanza;
  now(): number;
  /** The reply budget (pubsub.maxReplyBytes): no `<fields>` message is larger. */
  maxReplyBytes: number;
  /** The units of a device's channels, from its meta. */
  units(device: string): Promise<ReadonlyMap<string, string>>;
  log: Logger;
  /** Most entries (points or buckets) in one readout, all its nodes together; default 20 000. */
  maxEntries?: number;
}

export const DEFAULT_READOUT_ENTRIES = 20_000;

/** The tier a specific period asks for; `historicalOther` leaves it to the range. */
const PERIOD_TIER: Readonly<Record<HistoricalType, Tier | undefined>> = {
  historicalSecond: "raw",
  historicalMinute: "1m",
  historicalHour: "1h",
  historicalDay: "1h",
  historicalWeek: "1h",
  historicalMonth: "1h",
  historicalQuarter: "1h",
  historicalYear: "1h",
  historicalOther: undefined,
};
const FINE_FIRST: readonly Tier[] = ["raw", "1m", "1h"];

/** The finest tier among the periods asked; none asked: the tier `auto` picks for the range. */
export function readoutTier(periods: readonly HistoricalType[], from: number, to: number): Tier {
  const asked = new Set(periods.map((p) => PERIOD_TIER[p]));
  return FINE_FIRST.find((t) => asked.has(t)) ?? autoTier(from, to);
}

/** §5.5 field type of each tier: raw readings lie at any millisecond, so "other"; buckets start
 * on a minute or an hour shift. */
export const TIER_TYPE: Readonly<Record<Tier, HistoricalType>> = {
  raw: "historicalOther",
  "1m": "historicalMinute",
  "1h": "historicalHour",
};

/** The fields of one channel's rows: a raw point as it is; a number bucket as its mean
 * (computed) with `<channel>, Min` and `, Max` (peak, as XEP-0323 §3.4 names them); a boolean or
 * string bucket as its last value. */
export function seriesFields(channel: string, series: SeriesRows, unit?: string): SensorField[] {
  const type = TIER_TYPE[series.tier];
  const u = unit === undefined ? {} : { unit };
  if (series.tier === "raw")
    return series.rows.map((p) => ({
      name: channel,
      value: p.v,
      t: p.t,
      types: [type],
      ...(typeof p.v === "number" ? u : {}),
      ...(p.q ? { quality: p.q } : {}),
    }));
  return series.rows.flatMap((b): SensorField[] => {
    if (b.mean === undefined || b.min === undefined || b.max === undefined)
      return [{ name: channel, value: b.last, t: b.t, types: [type] }];
    return [
      { name: channel, value: b.mean, t: b.t, types: [type, "computed"], ...u },
      { name: `${channel}, Min`, value: b.min, t: b.t, types: [type, "peak"], ...u },
      { name: `${channel}, Max`, value: b.max, t: b.t, types: [type, "peak"], ...u },
    ];
  });
}

interface Range {
  from: number;
  to: number;
  tier: Tier;
}

interface NodeReadout {
  node: string;
  fields: SensorField[];
  cut: boolean;
}

export function historyReadoutRoute(deps: HistoryReadoutDeps): IqRoute {
  const maxEntries = deps.maxEntries ?? DEFAULT_READOUT_ENTRIES;

  /** One node's fields; `left` is what remains of the request's `maxEntries`, shared by its nodes. */
  async function readNode(node: string, req: ReadoutRequest, range: Range, left: { n: number }) {
    const units = await deps.units(node);
    const known = deps.history.channels(node);
    const channels = req.fields.length > 0 ? known.filter((c) => req.fields.includes(c)) : known;
    const out: NodeReadout = { node, fields: [], cut: false };
    for (const channel of channels) {
      const series = readSeries(deps.history, { device: node, channel, ...range }, left.n);
      out.fields.push(...seriesFields(channel, series, units.get(channel)));
      left.n -= series.rows.length;
      if (series.cut || left.n <= 0) return { ...out, cut: series.cut || channel !== channels.at(-1) };
    }
    return out;
  }

  /** The messages of the answer, in order: every node's fields, the last one `done`, or a
   * `failure` (done) after the node whose readout was cut at `maxEntries`. */
  function messages(to: string, req: ReadoutRequest, nodes: NodeReadout[]): Element[] {
    const budget = deps.maxReplyBytes - 1024 - utf8Bytes(to) - utf8Bytes(req.id);
    const out: Element[] = [];
    for (const [i, n] of nodes.entries()) {
      const last = i === nodes.length - 1 || n.cut;
      out.push(...makeFieldsMessages(req, n.node, n.fields, budget, last && !n.cut));
      if (n.cut) {
        const text = `more than ${maxEntries} entries in the range; ask for a shorter range or a coarser period`;
        out.push(makeFailure(req, n.node, deps.now(), text));
      }
      if (last) break;
    }
    return out;
  }

  return {
    type: "get",
    ns: NS_IOT_SENSORDATA,
    name: "req",
    async handler(ctx) {
      const req = parseReadoutRequest(ctx.child);
      const ask = parseHistoricalAsk(ctx.child);
      // Momentary readouts go to the device itself; the hub answers them as it always has.
      if (!req || !ask.historical) return makeError("service-unavailable");
      if (ask.problem) return makeError("bad-request", { text: ask.problem });
      // XEP-0323 §3.3: reading a device behind a concentrator without naming it is bad-request.
      if (ask.nodes.length === 0)
        return makeError("bad-request", { text: "name the device: <node nodeId=''/>" });
      const to = ask.to ?? deps.now();
      const from = ask.from ?? to - DAY;
      if (from >= to) return makeError("bad-request", { text: "from must be before to" });
      for (const node of ask.nodes) {
        // The same answer for a device that does not exist and one the sender may not read.
        if (!isDeviceId(node) || !(await mayReadHistory(deps.access, node, ctx.from)))
          return makeError("item-not-found", { text: `no device ${node} that you can read` });
      }
      const range = { from, to, tier: readoutTier(ask.periods, from, to) };
      const nodes: NodeReadout[] = [];
      const left = { n: maxEntries };
      for (const node of ask.nodes) {
        const read = await readNode(node, req, range, left);
        nodes.push(read);
        if (read.cut) break;
      }
      const out = messages(ctx.from, req, nodes);
      // The accepted result goes out when this handler returns (the router sends it in the same
      // turn); the fields follow it, in order.
      setImmediate(() => {
        void (async () => {
          for (const payload of out) await deps.send(xml("message", { to: ctx.from, from: ctx.to }, payload));
        })().catch((err: unknown) => deps.log.warn({ err }, "historical readout: could not send fields"));
      });
      return makeAccepted(req);
    },
  };
}
