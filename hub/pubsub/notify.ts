/* Notifications: broadcaster events → <message/> stanzas sent through the component link, in
 * paced slices, each recipient checked by the one access rule at the moment of sending (what a
 * bounced notification means for the subscription: bounce.ts).
 * References: XEP-0060 §7.1.2 (item notifications with payload and id), §7.2.2 (retract),
 * §8.2.5.3 and pubsub#notify_config (configuration notifications, with the node_config form as
 * payload when pubsub#deliver_payloads is set), §8.4.2 (delete with redirect), §8.5.2 (purge),
 * §8.6 (authorization form to owners), §8.8.4 (subscription state), §13.2 (only authorized
 * entities receive notifications); XEP-0203 (delay on late items); RFC 6120 §8.3; hub/access/rule.ts.
 * One subscription per JID, so no SubID headers are needed. A recipient whose subscription asks
 * for another encoding (encodings.ts) gets the items rendered in it, built once per encoding.
 *
 * Pacing: events go out in order, one queue; after every `sliceSize` stanzas the notifier yields
 * a turn of the event loop (setImmediate) so that incoming stanzas (pings, IQs) are served during
 * a large fan-out, and every slice waits until the component socket has taken it (the write
 * callbacks behind send()), so a slow socket slows the fan-out instead of filling memory. */
import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { makeForm } from "../../shared/xmpp/forms";
import { NS_DELAY, NS_PUBSUB_EVENT, NS_PUBSUB_SUBSCRIBE_AUTHORIZATION } from "../../shared/xmpp/ns";
import type { AccessRule, Decider } from "../access/rule";
import type { SendStanza } from "../iq-types";
import { makeConfigForm } from "./config-form";
import { withPayloads } from "./encodings";
import { makeItem } from "./handlers-items";
import type { NodeConfig } from "./storage/types";
import type { Broadcaster, PubsubEvent, Recipient } from "./types";

export interface NotifierDeps {
  /** The service's own JID (the `from` of every notification). */
  jid: string;
  send: SendStanza;
  log: Logger;
  /** The one access rule, asked for every recipient of a node's content when it is sent. */
  access: Pick<AccessRule, "decider">;
  /** Message ids; default: a per-process counter. */
  newId?: () => string;
  /** Stanzas sent between two turns of the event loop; default 500. */
  sliceSize?: number;
  /** Gives the event loop a turn; default setImmediate. */
  yieldTurn?: () => Promise<void>;
  /**
   * Resolves once the server has processed what the hub sent before it (a round trip on the same
   * stream: XEP-0199 ping to the server). Awaited between slices, so that no more than one slice
   * ever waits at the server ahead of a reply the hub sends meanwhile. Default: none.
   */
  settle?: () => Promise<void>;
  /** A stored payload of `node` in `encoding`, or undefined to send it as stored (rules.ts
   * NodeRules.render, bounded by encodings.ts renderLimit). Default: always as stored. */
  render?: (node: string, payload: string, encoding: string) => string | undefined;
}

export interface Notifier extends Broadcaster {
  /** Resolves once every event broadcast so far has had its first slice handed to send(). */
  started(): Promise<void>;
  /** Resolves once every event broadcast so far is sent (or given up). */
  idle(): Promise<void>;
}

/** Events that carry a node's content: sent only to whom the access rule allows at send time. */
const GATED: ReadonlySet<PubsubEvent["type"]> = new Set(["items", "retract", "purge", "config"]);

const event = (child: Element): Element => xml("event", { xmlns: NS_PUBSUB_EVENT }, child);

/** The <event/> payload of one broadcaster event, for all its recipients (of one encoding:
 * `render` gives an item's payload in it, undefined for as stored). */
export function makeEventChild(
  e: PubsubEvent,
  serviceJid: string,
  config?: NodeConfig,
  render?: (payload: string) => string | undefined,
): Element | undefined {
  switch (e.type) {
    case "items": {
      const shown = render && e.payloads ? withPayloads(e.items, render) : e.items;
      return event(xml("items", { node: e.node }, ...shown.map((i) => makeItem(i, e.payloads))));
    }
    case "retract":
      return event(xml("items", { node: e.node }, ...e.ids.map((id) => xml("retract", { id }))));
    case "delete": {
      const redirect = e.redirect === undefined ? [] : [xml("redirect", { uri: e.redirect })];
      return event(xml("delete", { node: e.node }, ...redirect));
    }
    case "purge":
      return event(xml("purge", { node: e.node }));
    case "config": {
      // §8.2.5.3: the new configuration as payload when the node delivers payloads.
      const form = config?.deliverPayloads ? [makeConfigForm(config, "result")] : [];
      return event(xml("configuration", { node: e.node }, ...form));
    }
    case "subscription":
      return event(
        xml("subscription", {
          node: e.node,
          jid: e.jid,
          subscription: e.state,
          ...(e.subid !== undefined && { subid: e.subid }),
        }),
      );
    case "authorization":
      return makeForm({
        type: "form",
        title: "PubSub subscriber request",
        formType: NS_PUBSUB_SUBSCRIBE_AUTHORIZATION,
        fields: [
          { var: "pubsub#subid", type: "hidden", values: [e.subid] },
          { var: "pubsub#node", type: "text-single", label: "Node ID", values: [e.node] },
          {
            var: "pubsub#subscriber_jid",
            type: "jid-single",
            label: "Subscriber Address",
            values: [e.subscriber],
          },
          {
            var: "pubsub#allow",
            type: "boolean",
            label: `Allow this JID to subscribe to ${serviceJid}?`,
            values: ["0"],
          },
        ],
      });
    default:
      return undefined;
  }
}

/** The addresses one event goes to. */
function targetsOf(e: PubsubEvent): Recipient[] {
  switch (e.type) {
    case "authorization":
      return e.owners.map((jid) => ({ jid, subid: e.subid }));
    case "subscription":
      return [{ jid: e.jid, subid: e.subid ?? "" }];
    default:
      return e.recipients;
  }
}

interface Job {
  event: PubsubEvent;
  started: () => void;
  done: () => void;
}

const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createNotifier(deps: NotifierDeps): Notifier {
  let counter = 0;
  const prefix = Date.now().toString(36);
  const nextId = deps.newId ?? ((): string => `n${prefix}-${(counter++).toString(36)}`);
  const sliceSize = Math.max(1, deps.sliceSize ?? 500);
  const yieldTurn = deps.yieldTurn ?? nextTurn;
  const settle = deps.settle ?? (() => Promise.resolve());
  const queue: Job[] = [];
  let running = false;
  let sinceYield = 0;
  let lastStarted: Promise<void> = Promise.resolve();
  let lastDone: Promise<void> = Promise.resolve();

  function build(e: PubsubEvent, to: string, child: Element): Element {
    const type = e.type === "items" ? e.messageType : e.type === "authorization" ? "normal" : "headline";
    const msg = xml("message", { from: deps.jid, to, type, id: nextId() }, child);
    if (e.type === "items" && e.delayed && e.items[0]) {
      const stamp = new Date(e.items[0].published).toISOString();
      msg.append(xml("delay", { xmlns: NS_DELAY, from: deps.jid, stamp })); // XEP-0203 §4
    }
    return msg;
  }

  function childOf(e: PubsubEvent, gate: Decider | undefined, encoding?: string): Element | undefined {
    const render = deps.render;
    try {
      return makeEventChild(
        e,
        deps.jid,
        gate?.facts.node.config,
        encoding === undefined || !render ? undefined : (payload) => render(e.node, payload, encoding),
      );
    } catch (error) {
      // A stored payload that no longer parses must not stop the service; subscribers can
      // still retrieve the item ids. Logged at error level: it means corrupted storage.
      deps.log.error({ err: error, node: e.node }, "pubsub notification could not be built");
      return undefined;
    }
  }

  /** One slice: decided and built now, handed to send() now, resolved once the socket took it. */
  async function sendSlice(e: PubsubEvent, part: Recipient[], job: Job): Promise<boolean> {
    // XEP-0060 §13.2: access is decided when the notification leaves, not when it was queued.
    const gate = GATED.has(e.type) ? await deps.access.decider(e.node) : undefined;
    if (GATED.has(e.type) && !gate) return false; // the node is gone: nothing of it goes out
    const child = childOf(e, gate);
    if (!child) return false;
    // One child per encoding asked for, built at its first recipient.
    const children = new Map<string, Element | undefined>();
    const childFor = (encoding: string | undefined): Element => {
      if (encoding === undefined || e.type !== "items") return child;
      if (!children.has(encoding)) children.set(encoding, childOf(e, gate, encoding));
      return children.get(encoding) ?? child;
    };
    const writes: Promise<void>[] = [];
    for (const target of part) {
      if (gate && !(await gate.allows(target.jid))) continue;
      writes.push(
        deps.send(build(e, target.jid, childFor(target.encoding))).catch((error: unknown) => {
          // A lost notification is recoverable: subscribers catch up with <items/>.
          deps.log.warn({ err: error, node: e.node, to: target.jid }, "pubsub notification not sent");
        }),
      );
    }
    job.started();
    await Promise.all(writes); // backpressure: the next slice waits for the socket
    return true;
  }

  async function runJob(job: Job): Promise<void> {
    const targets = targetsOf(job.event);
    for (let i = 0; i < targets.length; i += sliceSize) {
      if (sinceYield >= sliceSize) {
        sinceYield = 0;
        await yieldTurn(); // pings and IQs get their turn during a large fan-out
        // The socket taking a slice is not the server having routed it: wait for that too, or
        // thousands of notifications queue at the server ahead of every reply.
        await settle();
      }
      const part = targets.slice(i, i + sliceSize);
      sinceYield += part.length;
      if (!(await sendSlice(job.event, part, job))) return;
    }
  }

  async function drain(): Promise<void> {
    running = true;
    for (let job = queue.shift(); job; job = queue.shift()) {
      try {
        await runJob(job);
      } catch (error) {
        // A store read failed mid fan-out: the rest of this event is dropped, later ones go on.
        deps.log.error({ err: error, node: job.event.node }, "pubsub notifications interrupted");
      } finally {
        job.started();
        job.done();
      }
    }
    running = false;
  }

  return {
    broadcast(e) {
      const started = deferred();
      const done = deferred();
      queue.push({ event: e, started: started.resolve, done: done.resolve });
      lastStarted = started.promise;
      lastDone = done.promise;
      if (!running) void drain();
    },
    started: () => lastStarted,
    idle: () => lastDone,
  };
}
