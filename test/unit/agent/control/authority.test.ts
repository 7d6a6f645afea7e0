import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createAuthority } from "../../../../agent/control/authority";

const NS = "urn:xiot:provisioning:0";

/** A hub that answers canRead/canControl from a table and counts the questions. */
function fakeHub(decisions: Record<string, { read: boolean; control: boolean }>, ttl = 1000) {
  const asked: string[] = [];
  const request = async (iq: Element): Promise<Element> => {
    const question = iq.children[0] as Element;
    const jid = String(question.attrs.jid);
    asked.push(`${question.name} ${jid}`);
    const decision = decisions[jid] ?? { read: false, control: false };
    const result = question.name === "canRead" ? decision.read : decision.control;
    return xml(
      "iq",
      { type: "result" },
      xml(`${question.name}Response`, {
        xmlns: NS,
        device: "d",
        jid,
        result: String(result),
        ttl: String(ttl),
      }),
    );
  };
  return { asked, request };
}

const revoked = (jid: string, left: string, from = "hub.example.org") =>
  xml("message", { from }, xml("revoked", { xmlns: NS, device: "d", jid, left }));

describe("the agent's authority with the hub's decisions", () => {
  it("asks the hub about JIDs not on the allow list and caches the answer for its ttl", async () => {
    let now = 0;
    const hub = fakeHub({ "bob@example.org": { read: true, control: false } });
    const authority = createAuthority({
      allow: [],
      hub: "hub.example.org",
      request: hub.request,
      now: () => now,
    });
    expect(await authority.mayRead("bob@example.org/phone")).toBe(true);
    expect(await authority.mayControl("Bob@example.org/laptop")).toBe(false);
    expect(await authority.mayRead("bob@example.org/other")).toBe(true);
    expect(hub.asked).toEqual(["canRead bob@example.org", "canControl bob@example.org"]);
    now = 1001;
    expect(await authority.mayRead("bob@example.org/phone")).toBe(true);
    expect(hub.asked).toHaveLength(3);
  });

  it("forgets a decision the hub revokes, and only for the hub's own message", async () => {
    const decisions = { "bob@example.org": { read: true, control: true } };
    const hub = fakeHub(decisions, 60_000);
    const authority = createAuthority({ allow: [], hub: "hub.example.org", request: hub.request });
    expect(await authority.mayControl("bob@example.org/x")).toBe(true);
    expect(await authority.mayRead("bob@example.org/x")).toBe(true);
    decisions["bob@example.org"] = { read: false, control: false };
    expect(authority.onMessage(revoked("bob@example.org", "none", "mallory@example.org/x"))).toBe(false);
    expect(await authority.mayControl("bob@example.org/x")).toBe(true);
    expect(authority.onMessage(revoked("bob@example.org", "none"))).toBe(true);
    expect(await authority.mayControl("bob@example.org/x")).toBe(false);
    expect(await authority.mayRead("bob@example.org/x")).toBe(false);
  });

  it("passes on grants and revocations of the hub's own messages, and no one else's", () => {
    const told: string[] = [];
    const authority = createAuthority({
      allow: [],
      hub: "hub.example.org",
      onGranted: (jid) => told.push(`granted ${jid}`),
      onRevoked: (jid, left) => told.push(`revoked ${jid} ${left}`),
    });
    const granted = (from: string) =>
      xml(
        "message",
        { from },
        xml("granted", { xmlns: NS, device: "d", jid: "Bob@Example.org", level: "read" }),
      );
    expect(authority.onMessage(granted("mallory@example.org/x"))).toBe(false);
    expect(authority.onMessage(granted("hub.example.org"))).toBe(true);
    expect(authority.onMessage(revoked("bob@example.org", "read"))).toBe(true);
    expect(authority.onMessage(revoked("bob@example.org", "none"))).toBe(true);
    expect(told).toEqual([
      "granted bob@example.org",
      "revoked bob@example.org read",
      "revoked bob@example.org none",
    ]);
  });

  it("refuses when the hub does not answer", async () => {
    const authority = createAuthority({
      allow: ["owner@example.org"],
      hub: "hub.example.org",
      request: async () => {
        throw new Error("timeout");
      },
    });
    expect(await authority.mayRead("stranger@example.org/x")).toBe(false);
    expect(await authority.mayControl("owner@example.org/x")).toBe(true);
  });
});
