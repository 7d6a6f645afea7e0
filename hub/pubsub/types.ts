/* Types shared by the pure PubSub service and its edges: results, events, dependencies. */
import { DEFAULT_MAX_REPLY_BYTES } from "../../shared/xmpp/budget";
import type { ErrorCode } from "../../shared/xmpp/errors";
import type { NodeConfig, StoredItem, SubscriptionState } from "./storage/types";

export type Ok<T> = { ok: true; value: T };
/** A refusal: its code, and for some codes the `feature` of <unsupported/> or a `text` for the
 * error's <text/> (RFC 6120 §8.3.2) that says what was wrong. */
export type Fail = { ok: false; error: ErrorCode; feature?: string; text?: string };
export type Result<T> = Ok<T> | Fail;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const fail = (error: ErrorCode, feature?: string): Fail =>
  feature === undefined ? { ok: false, error } : { ok: false, error, feature };

export type { Clock } from "../../shared/clock";

/** Who gets a notification: the subscribed JID (bare or full) and its subscription id. */
export interface Recipient {
  jid: string;
  subid: string;
  /** The encoding its options ask payloads in (encodings.ts); absent: as published. */
  encoding?: string;
}

export type PubsubEvent =
  | {
      type: "items";
      node: string;
      items: StoredItem[];
      recipients: Recipient[];
      payloads: boolean;
      /** true for items delivered after the fact (send_last_published_item): XEP-0203 delay. */
      delayed: boolean;
      messageType: "headline" | "normal";
    }
  | { type: "retract"; node: string; ids: string[]; recipients: Recipient[] }
  | { type: "delete"; node: string; redirect?: string; recipients: Recipient[] }
  | { type: "purge"; node: string; recipients: Recipient[] }
  | { type: "config"; node: string; recipients: Recipient[] }
  /** XEP-0060 §8.6: ask the owners to approve a pending subscription. */
  | { type: "authorization"; node: string; owners: string[]; subscriber: string; subid: string }
  /** XEP-0060 §8.8.4 / §8.6.3: tell a subscriber its subscription state changed. */
  | { type: "subscription"; node: string; jid: string; state: SubscriptionState | "none"; subid?: string };

/** Receives events after the change they describe was durably stored. */
export interface Broadcaster {
  broadcast(event: PubsubEvent): void;
}

export interface PubsubLimits {
  /** Largest payload, in bytes of serialised XML (default 64 KiB). */
  maxPayloadBytes: number;
  /** Most nodes one bare JID may own. */
  maxNodesPerOwner: number;
  /** Most subscriptions (every state) on one node. */
  maxSubscriptionsPerNode: number;
  /** Publishes per second per bare JID, sustained. */
  publishRate: number;
  /** Publishes allowed in a burst above the sustained rate. */
  publishBurst: number;
  /** Most items in one items reply (RSM pages above this are cut). */
  maxItemsPerPage: number;
  /** What `max_items = max` means, and the largest max_items accepted. */
  maxItemsCeiling: number;
  /** Largest reply, in bytes of serialised XML: lists above it are cut and paged with RSM. */
  maxReplyBytes: number;
}

export interface PubsubServiceConfig {
  /** The users' domain (devices are `<id>@<domain>`; the service is `hub.<domain>`). */
  domain: string;
  /** Bare JIDs with every right on every node (`hub.admins`). */
  admins: string[];
  /** Whether any local user (`*@<domain>`) may create nodes outside `devices/`. */
  allowLocalUsers: boolean;
  limits: PubsubLimits;
  /** Overrides of the default node configuration. */
  nodeDefaults?: Partial<NodeConfig>;
}

export const DEFAULT_LIMITS: PubsubLimits = {
  maxPayloadBytes: 64 * 1024,
  maxNodesPerOwner: 1000,
  maxSubscriptionsPerNode: 10_000,
  publishRate: 200,
  publishBurst: 1000,
  maxItemsPerPage: 100,
  maxItemsCeiling: 10_000,
  maxReplyBytes: DEFAULT_MAX_REPLY_BYTES,
};
