/* What each affiliation may do: policy as data, read by one may().
 * References: XEP-0060 §4.1 (Table 4: affiliations and their privileges). */
import type { Affiliation } from "./storage/types";

export type Action =
  | "subscribe"
  | "retrieve-items"
  | "publish"
  | "retract-any"
  | "retract-own"
  | "purge"
  | "configure"
  | "delete"
  | "manage-subscriptions"
  | "manage-affiliations"
  | "view-meta";

/** Access-model checks (open/authorize/whitelist) come on top of this table for "none". */
export const CAPABILITIES: Readonly<Record<Affiliation, ReadonlySet<Action>>> = {
  owner: new Set<Action>([
    "subscribe",
    "retrieve-items",
    "publish",
    "retract-any",
    "retract-own",
    "purge",
    "configure",
    "delete",
    "manage-subscriptions",
    "manage-affiliations",
    "view-meta",
  ]),
  // XEP-0060 Table 4 footnote: a service MAY let any publisher delete any item.
  publisher: new Set<Action>([
    "subscribe",
    "retrieve-items",
    "publish",
    "retract-any",
    "retract-own",
    "view-meta",
  ]),
  "publish-only": new Set<Action>(["publish", "retract-own", "view-meta"]),
  member: new Set<Action>(["subscribe", "retrieve-items", "view-meta"]),
  none: new Set<Action>(["subscribe", "retrieve-items", "view-meta"]),
  outcast: new Set<Action>(),
};

export function may(affiliation: Affiliation, action: Action): boolean {
  return CAPABILITIES[affiliation].has(action);
}
