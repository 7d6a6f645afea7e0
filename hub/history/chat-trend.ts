/* The hub's chat command `<device> <channel> <range>`: a channel's readings over a range, read
 * from telemetry history for someone the one access rule lets read the device (./service.ts
 * mayReadHistory), decided again when the reply is ready. A device the person may not read is
 * worded as one that does not exist; an unknown channel lists the device's channels.
 * References: docs/design.md §3 (chat commands, one short reply), §6 (one access rule, decided at
 * send time), docs/history.md (tiers: `auto` picks raw up to 6 h, 1-minute up to 14 days). */
import { type RangeWords, resolveRange } from "../../shared/chat/range";
import { capitalise, noChannel, noDevice, sentence } from "../../shared/chat/replies";
import type { AccessRule } from "../access/rule";
import type { DeviceMeta } from "../control/device-info";
import { trendText } from "./chat-text";
import { mayReadHistory, readSeries } from "./service";
import { autoTier, type HistoryStore, type Tier } from "./types";

export interface ChatTrendDeps {
  history: HistoryStore;
  access: Pick<AccessRule, "factsOf" | "refusal">;
  /** The device's meta (channels, units), when it published one. */
  meta(device: string): Promise<DeviceMeta | undefined>;
  now(): number;
  /** Most entries read for one reply before a coarser tier is used; default 50 000. */
  maxEntries?: number;
}

export const DEFAULT_TREND_ENTRIES = 50_000;
const COARSER: readonly Tier[] = ["raw", "1m", "1h"];

export function createChatTrends(deps: ChatTrendDeps) {
  const cap = deps.maxEntries ?? DEFAULT_TREND_ENTRIES;

  /** The range's entries at the tier `auto` picks, or a coarser one when there are too many. */
  function read(device: string, channel: string, from: number, to: number) {
    const tiers = COARSER.slice(COARSER.indexOf(autoTier(from, to)));
    for (const [i, tier] of tiers.entries()) {
      const series = readSeries(deps.history, { device, channel, from, to, tier }, cap);
      if (!series.cut || i === tiers.length - 1) return series;
    }
    throw new Error("unreachable: the last tier always answers");
  }

  async function trend(who: string, device: string, channel: string, words: RangeWords): Promise<string> {
    const range = resolveRange(words, deps.now());
    if (!range.ok) return `${capitalise(range.problem)}.`;
    if (!(await mayReadHistory(deps.access, device, who))) return sentence(noDevice(device));
    const meta = await deps.meta(device);
    const declared = meta ? [...meta.channels, ...meta.actuators] : [];
    const channels = [...new Set([...declared.map((c) => c.name), ...deps.history.channels(device)])];
    if (!channels.includes(channel)) return sentence(noChannel(device, channel, channels), device);
    const series = read(device, channel, range.from, range.to);
    const unit = declared.find((c) => c.name === channel)?.unit;
    const text = trendText({
      device,
      channel,
      from: range.from,
      to: range.to,
      series,
      ...(range.label ? { label: range.label } : {}),
      ...(unit ? { unit } : {}),
      ...(series.cut ? { cutAt: cap } : {}),
    });
    // At send time: a share that ended while history was read ends the answer too.
    return (await mayReadHistory(deps.access, device, who)) ? text : sentence(noDevice(device));
  }

  return { trend };
}

export type ChatTrends = ReturnType<typeof createChatTrends>;
