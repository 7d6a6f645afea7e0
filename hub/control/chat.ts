/* The control service as chat replies: one short text per command.
 * References: docs/design.md §3 (chat commands to the hub; exactly one reply). */
import type { ChatControl } from "../chat/dispatch";
import type { CommandLifecycle } from "./lifecycle";
import type { Queries } from "./queries";
import { historyLines, outcomeText, statusTable, when } from "./text";
import { showValue } from "./values";

/** A reason as a sentence; a device id at its start keeps its spelling. */
const sentence = (reason: string, device: string) =>
  reason.startsWith(device) ? `${reason}.` : `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;

export function createChatControl(deps: {
  router: CommandLifecycle;
  queries: Queries;
  clock: { now(): number };
}): ChatControl {
  const { router, queries, clock } = deps;
  return {
    async status(who, device) {
      const r = await queries.status(who, device);
      return r.ok ? statusTable(r.value, clock.now()) : sentence(r.reason, device);
    },
    async history(who, device) {
      const r = await queries.history(who, device);
      return r.ok ? historyLines(device, r.value, clock.now()) : sentence(r.reason, device);
    },
    async read(who, device, channel) {
      const r = await queries.read(who, device, channel);
      if (!r.ok) return sentence(r.reason, device);
      const v = r.value;
      const shown = `${device} ${channel}: ${showValue(v.value, v.unit)}`;
      return v.live ? shown : `${shown} (last known, ${when(v.t, clock.now())}; ${device} is not answering)`;
    },
    async set(who, device, channel, value) {
      const outcome = await router.control({ actor: who, device, channel, value, via: "chat" });
      return outcomeText(device, channel, outcome);
    },
  };
}
