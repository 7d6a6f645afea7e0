import { describe, expect, it } from "vitest";
import { may } from "../../../../hub/pubsub/capabilities";

describe("capabilities (XEP-0060 Table 4)", () => {
  it.each([
    ["owner", "delete", true],
    ["owner", "manage-affiliations", true],
    ["publisher", "publish", true],
    ["publisher", "purge", false],
    ["publish-only", "publish", true],
    ["publish-only", "retrieve-items", false],
    ["publish-only", "retract-any", false],
    ["member", "retrieve-items", true],
    ["member", "publish", false],
    ["none", "subscribe", true],
    ["outcast", "subscribe", false],
    ["outcast", "view-meta", false],
  ] as const)("%s may %s: %s", (affiliation, action, allowed) => {
    expect(may(affiliation, action)).toBe(allowed);
  });
});
