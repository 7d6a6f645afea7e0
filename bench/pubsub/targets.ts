/* The services the benchmark compares, all behind the same Prosody, and the node configuration
 * each gets at creation (the same form for all, plus persist_items off for one).
 * References: XEP-0060 §16.4.4 (pubsub#node_config: access_model, persist_items). */
import type { PubsubFields } from "../../shared/xmpp/pubsub";

export const TARGET_NAMES = ["hub", "prosody", "prosody-nopersist", "null", "hub-tmpfs"] as const;
/** What runs without --targets: the four the issue compares (hub-tmpfs is an experiment). */
export const DEFAULT_TARGETS: readonly TargetName[] = ["hub", "prosody", "prosody-nopersist", "null"];
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TargetSpec {
  name: TargetName;
  label: string;
  /** Which component serves it: a hub process, Prosody's mod_pubsub or the do-nothing component. */
  service: "hub" | "hub-tmpfs" | "pubsub" | "null";
  /** Submitted at creation. access_model=open everywhere: the hub's device nodes default to
   * whitelist, Prosody's nodes to open, and the subscribers are not affiliated. */
  nodeOptions: PubsubFields;
  /** What pubsub#persist_items must read back as after creation, when the service reports it. */
  expectPersist?: boolean;
  /** Rounds to measure at most (the slow persistent mod_pubsub runs once to keep the run short). */
  maxRounds?: number;
}

export const TARGETS: Record<TargetName, TargetSpec> = {
  hub: {
    name: "hub",
    label: "xiot hub (SQLite, durable)",
    service: "hub",
    nodeOptions: { "pubsub#access_model": "open" },
  },
  prosody: {
    name: "prosody",
    label: "Prosody mod_pubsub (persistent)",
    service: "pubsub",
    nodeOptions: { "pubsub#access_model": "open" },
    expectPersist: true,
    maxRounds: 1,
  },
  "prosody-nopersist": {
    name: "prosody-nopersist",
    label: "Prosody mod_pubsub (persist_items=0)",
    service: "pubsub",
    nodeOptions: { "pubsub#access_model": "open", "pubsub#persist_items": "0" },
    expectPersist: false,
  },
  null: {
    name: "null",
    label: "do-nothing component",
    service: "null",
    nodeOptions: { "pubsub#access_model": "open" },
  },
  "hub-tmpfs": {
    name: "hub-tmpfs",
    label: "xiot hub (SQLite on tmpfs)",
    service: "hub-tmpfs",
    nodeOptions: { "pubsub#access_model": "open" },
  },
};

/** Parses a comma-separated target list; throws naming the unknown one. */
export function parseTargets(text: string): TargetName[] {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown target "${name}" (known: ${TARGET_NAMES.join(", ")})`);
    }
  }
  if (names.length === 0) throw new Error("no targets given");
  return [...new Set(names)] as TargetName[];
}
