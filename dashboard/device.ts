/* One device's data on the page: meta, state, availability and readings — the last items when
 * opened (readings history through XEP-0059 pages), then live notifications.
 * Availability comes from the hub's availability node when the device has one; otherwise the
 * page pings the agent (XEP-0199) every few seconds: the server answers for a session that is gone.
 * References: XEP-0060 §6.1 (subscribe), §6.5 (items), XEP-0059 (paging), XEP-0199 (ping),
 * RFC 6120 §8.3.3.19 (service-unavailable for a resource that is not there),
 * docs/provisioning.md (availability item). */

import xml, { type Element } from "@xmpp/xml";
import { agentJid } from "../shared/jid";
import { availabilityNode, metaNode, readingsNode, stateNode } from "../shared/model";
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
import type { DeviceCard } from "./view/device-card";
import type { Session } from "./xmpp/session";

export const PING_EVERY_MS = 5000;
export const HISTORY_ITEMS = 100;
const NOBODY_THERE = new Set(["service-unavailable", "recipient-unavailable", "item-not-found", "timeout"]);

export interface DeviceDeps {
  id: string;
  hub: string;
  domain: string;
  session: Pick<Session, "request" | "jid">;
  card: DeviceCard;
  /** A hint from the hub's device list, shown until something better is known. */
  availability?: Availability;
}

export class DeviceFeed {
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private hubTracksAvailability = false;
  /** State notifications seen so far: a fetched state item older than one of them is not shown. */
  private stateNotices = 0;

  constructor(private readonly deps: DeviceDeps) {
    if (deps.availability) deps.card.setAvailability(deps.availability, "from the hub's device list");
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
      for (const item of items) this.showReadings(item);
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

  private showReadings(item: Element): void {
    const doc = decodeReadings(item);
    if (doc.ok) this.deps.card.addReadings(doc.value.r);
    else this.deps.card.showProblem(`a readings item could not be read: ${doc.error}`);
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

  private async loadHistory(): Promise<void> {
    const answer = await this.deps.session.request(
      makeItems(this.deps.hub, readingsNode(this.deps.id), { page: { max: HISTORY_ITEMS } }),
    );
    // Pages come newest first; the chart keeps time order itself.
    for (const item of parseItemsResult(answer).items) this.showReadings(item);
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
