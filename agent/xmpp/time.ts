/* The hub's clock, learnt at connect with XEP-0202.
 * References: XEP-0202 §3 (`<time xmlns='urn:xmpp:time'>` with `<utc>` and `<tzo>`), XEP-0082
 * (date-time profile). The hub may not answer XEP-0202, so the agent asks the server's domain
 * (Prosody's mod_time), which shares the hub's clock on the usual single-host deployment. */
import xml, { type Element } from "@xmpp/xml";
import { NS_TIME } from "../../shared/xmpp/ns";
import type { Request } from "./pubsub";

export function makeTimeQuery(to: string): Element {
  return xml("iq", { type: "get", to }, xml("time", { xmlns: NS_TIME }));
}

/** The `<utc>` of a XEP-0202 result in ms since the epoch, or undefined when absent or malformed. */
export function parseTimeResult(iq: Element): number | undefined {
  const utc = iq.getChild("time", NS_TIME)?.getChildText("utc");
  if (!utc || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(utc.trim())) return undefined;
  const ms = Date.parse(utc.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

export interface OffsetSample {
  /** Remote clock minus local clock, ms. */
  offsetMs: number;
  /** Round trip of the query, ms: the offset is good to about half of it (plus the remote's precision). */
  rttMs: number;
}

/** Asks `to` for its time; the remote stamp is matched to the middle of the round trip. A stamp
 * in whole seconds (Prosody) is taken as the middle of its second. */
export async function measureOffset(request: Request, to: string, now = Date.now): Promise<OffsetSample> {
  const sent = now();
  const result = await request(makeTimeQuery(to), 10_000);
  const received = now();
  const remote = parseTimeResult(result);
  if (remote === undefined) throw new Error(`${to} sent no usable XEP-0202 <utc/>`);
  const wholeSeconds = !/\.\d+Z$/.test(result.getChild("time", NS_TIME)?.getChildText("utc") ?? "");
  const remoteMid = wholeSeconds ? remote + 500 : remote;
  return { offsetMs: Math.round(remoteMid - (sent + received) / 2), rttMs: received - sent };
}
