/* One device's data on the page: meta, state, availability and readings — the hub's history of
 * the range picked (urn:xiot:history:0, paged with XEP-0059) when opened or when the range
 * changes, then live notifications on the live ranges. A hub without history (an error answer)
 * gets the page's older way: the last readings items.
 * Availability comes from the hub's availability node when the device has one; otherwise the
 * page pings the agent (XEP-0199) every few seconds: the server answers for a session that is gone.
 * References: XEP-0060 §6.1 (subscribe), §6.5 (items), XEP-0059 (paging), XEP-0199 (ping),
 * docs/history.md (the query, tiers, auto),
 * RFC 6120 §8.3.3.19 (service-unavailable for a resource that is not there),
 * docs/provisioning.md (availability item). */

import xml, { type Element } from "@xmpp/xml";
import { agentJid } from "../shared/jid";
import { availabilityNode, metaNode, type Reading, readingsNode, stateNode } from "../shared/model";
import { NS_PING } from "../shared/xmpp/ns";
import { makeItems, makeSubscribe, parseItemsResult } from "../shared/xmpp/pubsub";
import {
  type Availability,
  decodeReadings,
  parseAvailability,
  parseMeta,
  parseState,
} from "../shared/xmpp/pubsub-device";
import { errorOf } from "./control";
import {
  DEFAULT_RANGE,
  isLive,
  type LoadedHistory,
  loadHistory,
  MAX_PAGES,
  type RangeChoice,
  rangeBounds,
} from "./history";
import type { DeviceCard } from "./view/device-card";
import type { SeriesOptions } from "./view/series";
import type { Session } from "./xmpp/session";

export const PING_EVERY_MS = 5000;
/** The readings items an older hub (without history) is asked for. */
export const HISTORY_ITEMS = 100;
/** Most points or buckets a chart keeps: every page the history cap allows (2,000 entries each). */
export const CHART_MAX_POINTS = MAX_PAGES * 2000;
const NOBODY_THERE = new Set(["service-unavailable", "recipient-unavailable", "item-not-found", "timeout"]);

export interface DeviceDeps {
  id: string;
  hub: string;
  domain: string;
  session: Pick<Session, "request" | "jid">;
  card: DeviceCard;
  /** A hint from the hub's device list, shown until something better is known. */
  availability?: Availability;
  /** The range the charts show first (default: the last hour). */
  range?: RangeChoice;
  now?: () => number;
}

export class DeviceFeed {
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private hubTracksAvailability = false;
  /** State notifications seen so far: a fetched state item older than one of them is not shown. */
  private stateNotices = 0;
  private range: RangeChoice;
  /** Counts history loads: an answer for a range no longer shown is dropped. */
  private generation = 0;
  /** Live readings held while history loads; drawn after it, so the reset does not lose them. */
  private held: Reading[] | undefined;

  constructor(private readonly deps: DeviceDeps) {
    this.range = deps.range ?? DEFAULT_RANGE;
    if (deps.availability) deps.card.setAvailability(deps.availability, "from the hub's device list");
  }

  /** Shows another range: asks the hub again and redraws. */
  async setRange(choice: RangeChoice): Promise<void> {
    this.range = choice;
    try {
      await this.loadHistory();
    } catch (error) {
      this.deps.card.showProblem(`history: ${errorOf(error).text ?? errorOf(error).condition}`);
    }
  }

  /** Subscribes, then loads what is stored; run again after every reconnect. */
  async open(): Promise<void> {
    const { id, card } = this.deps;
    const problems: string[] = [];
    const attempt = async (what: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (error) {
        problems.push(`${what}: ${errorOf(error).text ?? errorOf(error).condition}`);
      }
    };
    await attempt("meta", async () => {
      const meta = await this.last(metaNode(id));
      const parsed = meta && parseMeta(meta);
      if (parsed) card.setMeta(parsed);
    });
    this.held ??= [];
    // Subscribed before the fetches, so no change falls between the two (XEP-0060 §6.1, §6.5);
    // the chart drops readings it already has.
    for (const node of [stateNode(id), readingsNode(id)])
      await attempt(`subscribe ${node}`, () => this.subscribe(node));
    await attempt("state", () => this.loadState());
    await attempt("history", () => this.loadHistory());
    await this.openAvailability();
    card.showProblem(problems.length ? problems.join("; ") : undefined);
    card.setLoaded();
  }

  close(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  /** A notification for one of this device's nodes. */
  onItems(node: string, items: Element[]): void {
    const { id, card } = this.deps;
    if (node === readingsNode(id)) {
      for (const item of items) this.liveReadings(item);
      if (!this.hubTracksAvailability) card.setAvailability("online", "a reading just arrived");
    } else if (node === stateNode(id)) {
      const state = items[0] && parseState(items[0]);
      if (!state) return;
      this.stateNotices += 1;
      card.setActuators(state.actuators);
    } else if (node === availabilityNode(id)) {
      const a = items[0] && parseAvailability(items[0]);
      if (a) card.setAvailability(a.state, a.since && `since ${a.since} (${a.reason ?? ""})`);
    }
  }

  /** A notification's readings: held while history loads, drawn on a live range, else left out
   * (a fixed range, such as a week ago or 7 days up to when it was asked, stays as answered). */
  private liveReadings(item: Element): void {
    const readings = this.readingsOf(item);
    if (this.held) this.held.push(...readings);
    else if (isLive(this.range)) this.deps.card.addReadings(readings);
  }

  private readingsOf(item: Element): Reading[] {
    const doc = decodeReadings(item);
    if (doc.ok) return doc.value.r;
    this.deps.card.showProblem(`a readings item could not be read: ${doc.error}`);
    return [];
  }

  private async last(node: string): Promise<Element | undefined> {
    const answer = await this.deps.session.request(makeItems(this.deps.hub, node, { maxItems: 1 }));
    return parseItemsResult(answer).items[0];
  }

  private async subscribe(node: string): Promise<void> {
    await this.deps.session.request(makeSubscribe(this.deps.hub, node, this.deps.session.jid()));
  }

  /** Actuators show only what the device's state item says (docs/design.md §2, nodes). */
  private async loadState(): Promise<void> {
    const seen = this.stateNotices;
    const item = await this.last(stateNode(this.deps.id));
    const state = item && parseState(item);
    // A notification that arrived meanwhile is newer than the fetched item.
    if (state && this.stateNotices === seen) this.deps.card.setActuators(state.actuators);
  }

  /** The range's history from the hub; from the last readings items when the hub has none. */
  private async loadHistory(): Promise<void> {
    const { id, hub, card, session } = this.deps;
    const generation = ++this.generation;
    const choice = this.range;
    this.held ??= [];
    const { from, to } = rangeBounds(choice, (this.deps.now ?? Date.now)());
    const options: SeriesOptions = {
      windowMs: isLive(choice) ? to - from : Number.POSITIVE_INFINITY,
      maxPoints: CHART_MAX_POINTS,
      span: { from, to },
    };
    let loaded: LoadedHistory | undefined;
    try {
      loaded = await loadHistory(session.request, {
        hub,
        device: id,
        channels: card.channelNames(),
        from,
        to,
      });
    } catch {
      // Why: an error answer means a hub from before history (service-unavailable,
      // feature-not-implemented); it, a timeout or an answer the page cannot read all get the
      // page's older way, the readings items below, and a failure there is reported as before.
    }
    if (generation !== this.generation) return;
    try {
      if (loaded) {
        card.startRange({ ...options, resolution: loaded.resolution, coveredUntil: to });
        card.showHistory(loaded.series);
      } else {
        const answer = await session.request(
          makeItems(hub, readingsNode(id), { page: { max: HISTORY_ITEMS } }),
        );
        if (generation !== this.generation) return;
        card.startRange({ ...options, resolution: "raw" });
        // Pages come newest first; the chart keeps time order itself.
        for (const item of parseItemsResult(answer).items) card.addReadings(this.readingsOf(item));
      }
      card.setRange(choice.key, loaded ? "history" : "items");
    } finally {
      if (generation === this.generation) this.release();
    }
  }

  /** Draws the readings that came live while history loaded (a live range only). */
  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    if (isLive(this.range) && held.length > 0) this.deps.card.addReadings(held);
  }

  private async openAvailability(): Promise<void> {
    const node = availabilityNode(this.deps.id);
    try {
      const item = await this.last(node);
      const a = item && parseAvailability(item);
      await this.subscribe(node);
      if (a) {
        this.hubTracksAvailability = true;
        this.deps.card.setAvailability(a.state, a.since && `since ${a.since} (${a.reason ?? ""})`);
        return;
      }
    } catch {
      // Why: no availability node (or no access to it) means the hub does not track this device;
      // the page then asks the agent itself, below.
    }
    this.close();
    await this.ping();
    this.pingTimer = setInterval(() => void this.ping(), PING_EVERY_MS);
  }

  private async ping(): Promise<void> {
    const to = agentJid(this.deps.id, this.deps.domain);
    let state: Availability = "online";
    try {
      await this.deps.session.request(xml("iq", { type: "get", to }, xml("ping", { xmlns: NS_PING })), 4000);
    } catch (error) {
      // Any answer from the agent itself (even an error) proves it is there.
      if (NOBODY_THERE.has(errorOf(error).condition)) state = "offline";
      else if ((error as Error).message === "not connected") return;
    }
    this.deps.card.setAvailability(state, "the agent's answer to a ping");
  }
}
