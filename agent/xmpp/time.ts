/* The hub's clock, learnt at connect with XEP-0202.
 * References: XEP-0202 §3 (`<time xmlns='urn:xmpp:time'>` with `<utc>` and `<tzo>`), XEP-0082
 * (date-time profile). The hub may not answer XEP-0202, so the agent asks the server's domain
 * (Prosody's mod_time), which shares the hub's clock on the usual single-host deployment.
 *
 * The remote stamped its time somewhere between sending and receiving, so the hub's time is known
 * to within half the round trip plus the stamp's own precision: `uncertaintyMs` bounds the error,
 * and command expiry is judged by the latest time the hub's clock may show (control/timing.ts). */
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
  /** The most the offset may be off by: half the round trip plus the stamp's precision. */
  uncertaintyMs: number;
}

/** How many queries one source gets; the one with the shortest round trip is kept (as NTP keeps
 * the sample with the least delay). */
export const TIME_SAMPLES = 3;

/** Asks `to` for its time; the remote stamp is matched to the middle of the round trip. A stamp
 * in whole seconds (Prosody) is taken as the middle of its second, one in ms as the middle of its ms. */
export async function measureOffset(request: Request, to: string, now = Date.now): Promise<OffsetSample> {
  const sent = now();
  const result = await request(makeTimeQuery(to), 10_000);
  const received = now();
  const remote = parseTimeResult(result);
  if (remote === undefined) throw new Error(`${to} sent no usable XEP-0202 <utc/>`);
  const stamp = result.getChild("time", NS_TIME)?.getChildText("utc")?.trim() ?? "";
  const digits = /\.(\d+)Z$/.exec(stamp)?.[1]?.length ?? 0;
  // A stamp is truncated to its unit: the remote's time lay within [stamp, stamp + unit).
  const unit = 10 ** Math.max(0, 3 - digits);
  const remoteMid = remote + unit / 2;
  const rttMs = received - sent;
  return {
    offsetMs: Math.round(remoteMid - (sent + received) / 2),
    rttMs,
    // One ms more for the rounding of the offset.
    uncertaintyMs: Math.ceil(rttMs / 2 + unit / 2) + 1,
  };
}

/** The best of `samples` queries to `to`: the one with the least uncertainty. */
export async function learnOffset(
  request: Request,
  to: string,
  samples = TIME_SAMPLES,
  now = Date.now,
): Promise<OffsetSample> {
  let best = await measureOffset(request, to, now);
  for (let i = 1; i < samples; i++) {
    const next = await measureOffset(request, to, now);
    if (next.uncertaintyMs < best.uncertaintyMs) best = next;
  }
  return best;
}
