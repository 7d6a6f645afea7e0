/* The device as a contact: a person who may read a device adds it to the roster with an ordinary
 * presence subscription (RFC 6121 §3.1), the agent approves it, and the person sees the device
 * come online and go offline as the agent stops and starts; a stranger is refused; when the owner
 * ends a share, the agent cancels that person's subscription (§3.2.1). Real Prosody, hub and agent.
 * References: RFC 6121 §2 (roster), §3.1.4, §3.1.5, §3.2.1, §4.2–4.5; agent/xmpp/contacts.ts. */
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceJid } from "../../shared/jid";
import type { ClientConnection } from "../../shared/xmpp/client";
import { eventually } from "../helpers/agent/e2e";
import { type Agent, claimedDevice, type Inbox, say, startAgent } from "./control-setup";
import type { Account, TestServer } from "./server";

const ID = "hall-3";
const DEVICE = deviceJid(ID, "localhost");
const NS_ROSTER = "jabber:iq:roster";

/** Presence stanzas from the device to a client, in arrival order. The client becomes what a chat
 * client is: it asks for its roster and sends its initial presence (RFC 6121 §2.2, §4.2; after an
 * unavailable one, since the harness's session was already available), so the server gives it
 * subscription answers, requests still pending (§3.1.3) and its contacts' presence. */
async function presences(client: ClientConnection) {
  const seen: Element[] = [];
  client.xmpp.on("stanza", (s: Element) => {
    if (s.is("presence") && String(s.attrs.from ?? "").split("/")[0] === DEVICE) seen.push(s);
  });
  await client.request(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })));
  await client.send(xml("presence", { type: "unavailable" }));
  await client.send(xml("presence"));
  return {
    seen,
    /** Waits for the next presence from the device matching `type` (undefined: available). */
    async next(type: string | undefined, after: number) {
      await eventually(() => seen.slice(after).some((p) => p.attrs.type === type), 20_000, 50);
      return seen.slice(after).find((p) => p.attrs.type === type) as Element;
    },
  };
}

async function rosterItem(client: ClientConnection) {
  const roster = await client.request(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })));
  return roster
    .getChild("query", NS_ROSTER)
    ?.getChildren("item")
    .find((i) => i.attrs.jid === DEVICE)?.attrs;
}

describe("a device in people's rosters", () => {
  let server: TestServer;
  let device: Account;
  let agent: Agent;
  let alice: ClientConnection;
  let bob: ClientConnection;
  let eve: ClientConnection;
  let inbox: Inbox;

  beforeAll(async () => {
    ({ server, device, agent, alice, inbox } = await claimedDevice(ID));
    bob = await server.client(await server.register("bob"));
    eve = await server.client(await server.register("eve"));
    expect(await say(alice, inbox, `share ${ID} with bob@localhost read`)).toBe(
      `bob@localhost may now read ${ID}.`,
    );
  });
  afterAll(async () => {
    await agent?.proc.stop();
    await server?.stop();
  });

  it("asks its owner and its sharer to add it; approves the owner's subscription; she sees it go offline and come back", async () => {
    const seen = await presences(alice);
    // The claim and the share made the device ask (held by the server until each was online).
    await seen.next("subscribe", 0);
    await (await presences(bob)).next("subscribe", 0);
    await alice.send(xml("presence", { to: DEVICE, type: "subscribed" }));
    await alice.send(xml("presence", { to: DEVICE, type: "subscribe" }));
    await seen.next("subscribed", 0);
    await seen.next(undefined, 0); // the device's presence follows the approval (§3.1.5)
    await eventually(async () => (await rosterItem(alice))?.subscription === "both", 10_000, 100);

    const before = seen.seen.length;
    await agent.proc.stop();
    await seen.next("unavailable", before);
    const again = seen.seen.length;
    agent = startAgent(server, device, { stateDir: agent.stateDir });
    await agent.proc.ready(30_000);
    await seen.next(undefined, again);
  });

  it("refuses a stranger's subscription, and never asked to be her contact", async () => {
    const seen = await presences(eve);
    await eve.send(xml("presence", { to: DEVICE, type: "subscribe" }));
    await seen.next("unsubscribed", 0);
    expect(seen.seen.filter((p) => p.attrs.type === undefined || p.attrs.type === "subscribe")).toEqual([]);
    expect((await rosterItem(eve))?.subscription ?? "none").toBe("none");
  });

  it("cancels a sharer's subscription when the share ends", async () => {
    const seen = await presences(bob);
    await bob.send(xml("presence", { to: DEVICE, type: "subscribe" }));
    await seen.next("subscribed", 0);
    await eventually(async () => (await rosterItem(bob))?.subscription === "to", 10_000, 100);
    const before = seen.seen.length;
    expect(await say(alice, inbox, `unshare ${ID} from bob@localhost`)).toBe(
      `bob@localhost no longer has access to ${ID}.`,
    );
    await seen.next("unsubscribed", before);
    await eventually(async () => (await rosterItem(bob))?.subscription === "none", 10_000, 100);
  });
});
