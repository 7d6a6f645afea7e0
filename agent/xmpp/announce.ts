/* What the agent does each time it comes online, in order: presence, the hub's clock, its nodes
 * (first time only), the allowed JIDs as members, meta and state; then the outbox may drain.
 * References: docs/design.md §2 (nodes under devices/<id>/; a device may create its own before
 * provisioning exists and is their owner; meta and state items `current`), XEP-0060 §8.1 (create),
 * §8.9.2 (modify affiliations), XEP-0202 (the hub's clock), RFC 6121 §4.6 (directed presence). */
import type { Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { metaNode, readingsNode, stateNode } from "../../shared/model";
import { makePublish } from "../../shared/xmpp/pubsub";
import { CURRENT_ITEM_ID } from "../../shared/xmpp/pubsub-device";
import { makeNodeAffiliations } from "../../shared/xmpp/pubsub-owner";
import type { AgentClock } from "../clock";
import { makeRosterGet } from "./contacts";
import { type RegistrationTags, registerWithHub } from "./provisioning";
import { ensureNode } from "./pubsub";
import type { AgentSession } from "./session";
import { learnOffset } from "./time";

export interface AnnounceOptions {
  session: AgentSession;
  deviceId: string;
  hub: string;
  /** Where to ask XEP-0202 time (the server's domain). */
  timeSource: string;
  allow: readonly string[];
  clock: AgentClock;
  meta: () => Element;
  state: () => Promise<Element>;
  log: Logger;
  /** A provisioned device registers with the hub (agent/xmpp/provisioning.ts) before anything else. */
  registration?: { secret: string; tags: RegistrationTags };
}

export class Announcer {
  readonly #o: AnnounceOptions;
  #nodesReady = false;
  #registered = false;

  constructor(options: AnnounceOptions) {
    this.#o = options;
  }

  get nodes(): string[] {
    const id = this.#o.deviceId;
    return [readingsNode(id), stateNode(id), metaNode(id)];
  }

  /** Runs the online sequence; throws if the nodes could not be made ready (retry later). */
  async online(): Promise<void> {
    const { session, hub, log } = this.#o;
    // RFC 6121 §2.2, §3.1.3: a resource that asked for its roster before its initial presence is
    // "interested": people's subscription requests reach it (agent/xmpp/contacts.ts).
    // Why not fatal: without it only presence subscriptions go unanswered.
    await session.request(makeRosterGet()).catch((err) => log.warn({ err }, "roster not fetched"));
    await session.sendPresence(hub);
    const { registration } = this.#o;
    if (registration && !this.#registered) {
      const nodes = await registerWithHub(session.request, hub, registration.secret, registration.tags);
      log.info({ nodes }, "registered with the hub");
      this.#registered = true;
    }
    await this.#learnTime();
    if (!this.#nodesReady) {
      for (const node of this.nodes) {
        const how = await ensureNode(session.request, hub, node);
        log.info({ node }, how === "created" ? "node created" : "node exists");
      }
      // A provisioned device's nodes belong to the hub, which makes owners and shares members;
      // the allow list then only grants readout and control on the device itself.
      if (this.#o.registration === undefined) await this.#allowMembers();
      else if (this.#o.allow.length > 0)
        log.info("allow list: readout and control only; node access comes from the hub's shares");
      this.#nodesReady = true;
    }
    await this.publishMeta();
    await this.publishState();
  }

  async publishMeta(): Promise<void> {
    const node = metaNode(this.#o.deviceId);
    const iq = makePublish(this.#o.hub, node, this.#o.meta(), { id: CURRENT_ITEM_ID });
    await this.#o.session.request(iq);
  }

  /** Publishes the state item; a failure is logged (the next change or interval sends it again). */
  async publishState(): Promise<void> {
    if (!this.#o.session.online) return;
    const node = stateNode(this.#o.deviceId);
    try {
      const iq = makePublish(this.#o.hub, node, await this.#o.state(), { id: CURRENT_ITEM_ID });
      await this.#o.session.request(iq);
    } catch (error) {
      this.#o.log.warn({ err: error }, "state not published");
    }
  }

  async #learnTime(): Promise<void> {
    const { session, timeSource, clock, log } = this.#o;
    try {
      const sample = await learnOffset(session.request, timeSource);
      clock.setOffset(sample.offsetMs, sample.uncertaintyMs);
      log.info(sample, "clock offset to the server learnt");
    } catch (error) {
      // Why not fatal: commands then expire by the local clock, which is all there is.
      log.warn({ err: error }, "could not learn the server's clock (XEP-0202)");
    }
  }

  async #allowMembers(): Promise<void> {
    if (this.#o.allow.length === 0) return;
    const members = Object.fromEntries(this.#o.allow.map((jid) => [jid, "member"]));
    for (const node of this.nodes)
      await this.#o.session.request(makeNodeAffiliations(this.#o.hub, node, members));
  }
}
