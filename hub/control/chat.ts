/* The control service as chat replies: one short text per command, worded as a device words
 * them (shared/chat/replies.ts).
 * References: docs/design.md §3 (chat commands to the hub; exactly one reply). */
import { readout, sentence } from "../../shared/chat/replies";
import type { ChatControl } from "../chat/dispatch";
import { historyPage, historyView } from "./history-text";
import type { CommandLifecycle } from "./lifecycle";
import type { Queries } from "./queries";
import { outcomeText, statusTable, when } from "./text";

export function createChatControl(deps: {
  router: CommandLifecycle;
  queries: Queries;
  clock: { now(): number };
  /** Availability as the hub tracks it (hub/availability). */
  availability(device: string): { availability?: string; since?: number };
  /** A channel's readings over a range, from telemetry history (hub/history/chat-trend.ts). */
  trend?: ChatControl["trend"];
}): ChatControl {
  const { router, queries, clock } = deps;
  return {
    availability(device) {
      const a = deps.availability(device);
      if (a.availability === undefined) return "availability unknown";
      return a.since ? `${a.availability} since ${when(a.since, clock.now())}` : a.availability;
    },
    channels: (who, device) => queries.channels(who, device),
    async status(who, device) {
      const r = await queries.status(who, device);
      return r.ok ? statusTable(r.value, clock.now()) : sentence(r.reason, device);
    },
    async history(who, device, page = 1) {
      const r = await queries.history(who, device);
      return r.ok ? historyPage(device, historyView(r.value), page) : sentence(r.reason, device);
    },
    async read(who, device, channel) {
      const r = await queries.read(who, device, channel);
      if (!r.ok) return sentence(r.reason, device);
      const v = r.value;
      const shown = readout(`${device} ${channel}`, v.value, v.unit);
      return v.live ? shown : `${shown} (last known, ${when(v.t, clock.now())}; ${device} is not answering)`;
    },
    trend: deps.trend ?? (async () => "This hub keeps no history of readings."),
    async set(who, device, channel, value) {
      const outcome = await router.control({ actor: who, device, channel, value, via: "chat" });
      return outcomeText(device, channel, outcome);
    },
  };
}
