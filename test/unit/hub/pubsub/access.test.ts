/* The access-model table: an entity without an affiliation acts with the one its node's model
 * gives it, and the one may() over the capabilities table decides (XEP-0060 §4.5, Table 4).
 * References: XEP-0060 §4.1 Table 4, §4.5, §6.1.3, §6.5.9. */
import { describe, expect, it } from "vitest";
import { mayView, retrieveFailure, subscribeDecision } from "../../../../hub/pubsub/access";
import { ACCESS_MODELS, may, refusalOf, standingOf } from "../../../../hub/pubsub/capabilities";
import { BASE_NODE_CONFIG } from "../../../../hub/pubsub/node-config";
import type { AccessModel, Affiliation, NodeRecord } from "../../../../hub/pubsub/storage/types";

const nodeWith = (accessModel: AccessModel): NodeRecord => ({
  id: "n",
  config: { ...BASE_NODE_CONFIG, accessModel },
  creator: "o@x",
  created: 0,
});
const subscribed = { node: "n", jid: "u@x", subid: "s", state: "subscribed" as const, options: {} };

describe("access models as data", () => {
  it("map an unaffiliated entity to a default affiliation", () => {
    expect(Object.fromEntries(Object.entries(ACCESS_MODELS).map(([m, r]) => [m, r.unaffiliated]))).toEqual({
      open: "member",
      authorize: "none",
      whitelist: "outcast",
      presence: "outcast",
      roster: "outcast",
    });
    expect(standingOf("authorize", "none", true)).toBe("member");
    expect(standingOf("whitelist", "none", true)).toBe("outcast");
    expect(standingOf("whitelist", "publisher")).toBe("publisher");
    expect(standingOf("open", "outcast")).toBe("outcast");
  });

  it.each([
    ["open", "subscribed", undefined, true],
    ["authorize", "pending", "subscription-required", true],
    ["whitelist", "closed-node", "closed-node", false],
    ["presence", "presence-subscription-required", "presence-subscription-required", false],
    ["roster", "not-in-roster-group", "not-in-roster-group", false],
  ] as const)("%s: an unaffiliated entity subscribes %s, retrieves %s", (model, sub, retrieve, visible) => {
    const node = nodeWith(model);
    const decision = subscribeDecision(node, "none");
    expect(typeof decision === "string" ? decision : decision.error).toBe(sub);
    expect(retrieveFailure(node, "none", undefined)?.error).toBe(retrieve);
    expect(mayView(node, "none")).toBe(visible);
    // The decisions are may() over the standing the table gives.
    const standing = standingOf(model, "none");
    expect(may(standing, "subscribe")).toBe(sub === "subscribed" || sub === "pending");
    expect(may(standing, "retrieve-items")).toBe(retrieve === undefined);
  });

  it("lets an approved subscriber of an authorize node retrieve items", () => {
    expect(retrieveFailure(nodeWith("authorize"), "none", subscribed)).toBeUndefined();
    expect(retrieveFailure(nodeWith("whitelist"), "none", subscribed)?.error).toBe("closed-node");
  });

  it.each(["owner", "publisher", "member"] as const)("%s subscribes and retrieves on every model", (aff) => {
    for (const model of ["open", "authorize", "whitelist"] as const) {
      expect(subscribeDecision(nodeWith(model), aff)).toBe("subscribed");
      expect(retrieveFailure(nodeWith(model), aff, undefined)).toBeUndefined();
      expect(mayView(nodeWith(model), aff)).toBe(true);
    }
  });

  it.each(["outcast", "publish-only"] as const)("%s is forbidden whatever the model", (aff: Affiliation) => {
    for (const model of ["open", "authorize", "whitelist"] as const) {
      expect(subscribeDecision(nodeWith(model), aff)).toEqual({ ok: false, error: "forbidden" });
      expect(retrieveFailure(nodeWith(model), aff, subscribed)).toEqual({ ok: false, error: "forbidden" });
      expect(refusalOf(model, aff)).toBe("forbidden");
    }
    expect(mayView(nodeWith("open"), aff)).toBe(aff === "publish-only");
  });
});
