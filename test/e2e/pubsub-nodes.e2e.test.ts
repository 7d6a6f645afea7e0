/* Node lifecycle through a real Prosody: creation policy, create (configured, instant),
 * configure, delete with redirect, purge, disco, unsupported features.
 * References: XEP-0060 §5 (discovery), §8.1–§8.5, §10; docs/design.md §2 (device subtrees). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metaNode, readingsNode, stateNode } from "../../shared/model";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeItems } from "../../shared/xmpp/pubsub";
import { makeConfigure, makeCreate, makeDelete, makePurge } from "../../shared/xmpp/pubsub-owner";
import type { CliProcess } from "../helpers/cli";
import {
  create,
  entry,
  eventOf,
  expectError,
  formOf,
  formValues,
  HUB,
  type Inbox,
  inbox,
  iq,
  itemIds,
  NS_PUBSUB,
  NS_PUBSUB_OWNER,
  publish,
  pubsub,
  subscribe,
} from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

const FORBIDDEN = { type: "auth", condition: "forbidden", pubsub: null };
const NOT_FOUND = { type: "cancel", condition: "item-not-found", pubsub: null };

describe("PubSub nodes end to end", () => {
  let server: TestServer;
  let hub: CliProcess;
  let alice: ClientConnection;
  let bob: ClientConnection;
  let bobInbox: Inbox;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub(["--hub.admins", "admin@localhost"]);
    alice = await server.client(await server.register("alice"));
    bob = await server.client(await server.register("bob"));
    bobInbox = inbox(bob);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("node creation policy: devices under their own subtree, admins anywhere, local users only when allowed", async () => {
    const device = await server.client(await server.register("dev-1"), "agent");
    const admin = await server.client(await server.register("admin"));
    await create(device, readingsNode("dev-1"));
    await expectError(create(device, readingsNode("dev-2")), FORBIDDEN);
    await expectError(create(device, "dev-1-elsewhere"), FORBIDDEN);
    await expectError(create(alice, "alice-node"), FORBIDDEN);
    await expectError(create(alice, stateNode("dev-1")), FORBIDDEN);
    await create(admin, metaNode("dev-3"));
    await create(admin, "admin-anywhere");

    // --hub.allowLocalUsers: local users may create outside devices/, still never in a device's subtree.
    await hub.stop();
    hub = await server.hub(["--hub.admins", "admin@localhost", "--hub.allowLocalUsers"]);
    await create(alice, "alice-node");
    await expectError(create(alice, stateNode("dev-1")), FORBIDDEN);
    await expectError(create(device, stateNode("dev-2")), FORBIDDEN);
    // The device owns its readings node; it is whitelist-only by default.
    const config = await device.request(makeConfigure(HUB, readingsNode("dev-1")));
    const values = formValues(formOf(config.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")));
    expect(values["pubsub#access_model"]).toEqual(["whitelist"]);
  });

  it("creates a node with a configuration form and an instant node; a taken name is a conflict", async () => {
    const created = await create(alice, "configured", {
      "pubsub#title": "Configured",
      "pubsub#max_items": "7",
      "pubsub#notify_retract": "0",
    });
    expect(created.getChild("pubsub")).toBeUndefined(); // §8.1.1: a named node gets an empty result
    const config = await alice.request(makeConfigure(HUB, "configured"));
    const x = formOf(config.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure"));
    expect(x?.attrs.type).toBe("form");
    const values = formValues(x);
    expect(values.FORM_TYPE).toEqual(["http://jabber.org/protocol/pubsub#node_config"]);
    expect(values["pubsub#title"]).toEqual(["Configured"]);
    expect(values["pubsub#max_items"]).toEqual(["7"]);
    expect(values["pubsub#notify_retract"]).toEqual(["0"]);

    const instant = await alice.request(makeCreate(HUB));
    const name = instant.getChild("pubsub", NS_PUBSUB)?.getChild("create")?.attrs.node as string;
    expect(name).toMatch(/^instant-/); // §8.1.2
    await publish(alice, name, entry("in the instant node"), "one");
    expect(itemIds(await alice.request(makeItems(HUB, name)))).toEqual(["one"]);

    await expectError(create(alice, "configured"), { type: "cancel", condition: "conflict", pubsub: null });
    await expectError(create(alice, "bad-config", { "pubsub#max_items": "lots" }), {
      type: "modify",
      condition: "not-acceptable",
      pubsub: null,
    });
  });

  it("configure: the owner reads and submits the form; invalid values are not acceptable; others are forbidden", async () => {
    await create(alice, "conf");
    await subscribe(bob, "conf");
    await alice.request(
      makeConfigure(HUB, "conf", { "pubsub#title": "Renamed", "pubsub#notify_config": "1" }),
    );
    const notice = await bobInbox.next((m) => eventOf(m, "conf")?.name === "configuration");
    expect(notice.attrs.from).toBe("hub.localhost"); // pubsub#notify_config
    const read = await alice.request(makeConfigure(HUB, "conf"));
    const values = formValues(formOf(read.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")));
    expect(values["pubsub#title"]).toEqual(["Renamed"]);

    const NOT_ACCEPTABLE = { type: "modify", condition: "not-acceptable", pubsub: null };
    const submit = (fields: Record<string, string>) => alice.request(makeConfigure(HUB, "conf", fields));
    await expectError(submit({ "pubsub#max_items": "-3" }), NOT_ACCEPTABLE);
    await expectError(submit({ "pubsub#access_model": "everyone" }), NOT_ACCEPTABLE);
    await expectError(submit({ "pubsub#no_such_option": "1" }), NOT_ACCEPTABLE);
    await expectError(submit({ "pubsub#access_model": "roster" }), {
      type: "cancel",
      condition: "feature-not-implemented",
      pubsub: "unsupported",
      feature: "access-roster",
    });
    await expectError(bob.request(makeConfigure(HUB, "conf")), FORBIDDEN);
    await expectError(bob.request(makeConfigure(HUB, "conf", { "pubsub#title": "x" })), FORBIDDEN);
    await expectError(alice.request(makeConfigure(HUB, "no-such-node")), NOT_FOUND);
    // Nothing of the refused submissions was applied.
    const after = await alice.request(makeConfigure(HUB, "conf"));
    const kept = formValues(formOf(after.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")));
    expect(kept["pubsub#max_items"]).toEqual(values["pubsub#max_items"]);
    expect(kept["pubsub#access_model"]).toEqual(["open"]);
  });

  it("delete notifies subscribers with the redirect; purge notifies and empties; only owners may", async () => {
    await create(alice, "doomed");
    await create(alice, "purged");
    await subscribe(bob, "doomed");
    await subscribe(bob, "purged");
    await publish(alice, "purged", entry("a"), "a");
    await publish(alice, "purged", entry("b"), "b");
    await expectError(bob.request(makePurge(HUB, "purged")), FORBIDDEN);
    await alice.request(makePurge(HUB, "purged"));
    const purged = await bobInbox.next((m) => eventOf(m, "purged")?.name === "purge");
    expect(eventOf(purged)?.attrs.node).toBe("purged");
    expect(itemIds(await bob.request(makeItems(HUB, "purged")))).toEqual([]);

    await expectError(bob.request(makeDelete(HUB, "doomed")), FORBIDDEN);
    await alice.request(makeDelete(HUB, "doomed", "xmpp:hub.localhost?;node=purged"));
    const deleted = await bobInbox.next((m) => eventOf(m, "doomed")?.name === "delete");
    expect(eventOf(deleted)?.getChild("redirect")?.attrs.uri).toBe("xmpp:hub.localhost?;node=purged");
    await expectError(bob.request(makeItems(HUB, "doomed")), NOT_FOUND);
    await expectError(alice.request(makeDelete(HUB, "doomed")), NOT_FOUND);
  });

  it("disco#info: identity pubsub/service and exactly the implemented features", async () => {
    const info = await iq(alice, "get", "<query xmlns='http://jabber.org/protocol/disco#info'/>");
    const query = info.getChild("query") as Element;
    const identities = query.getChildren("identity").map((i) => `${i.attrs.category}/${i.attrs.type}`);
    expect(identities).toContain("pubsub/service");
    const features = query
      .getChildren("feature")
      .map((f) => f.attrs.var as string)
      .filter((f) => f.startsWith(`${NS_PUBSUB}#`))
      .map((f) => f.slice(NS_PUBSUB.length + 1))
      .sort();
    expect(features).toEqual(
      [
        "access-authorize",
        "access-open",
        "access-whitelist",
        "config-node",
        "config-node-max",
        "create-and-configure",
        "create-nodes",
        "delete-items",
        "delete-nodes",
        "instant-nodes",
        "item-ids",
        "last-published",
        "manage-subscriptions",
        "member-affiliation",
        "meta-data",
        "modify-affiliations",
        "outcast-affiliation",
        "persistent-items",
        "publish",
        "publish-only-affiliation",
        "publish-options",
        "publisher-affiliation",
        "purge-nodes",
        "retract-items",
        "retrieve-affiliations",
        "retrieve-default",
        "retrieve-items",
        "retrieve-subscriptions",
        "rsm",
        "subscribe",
        "subscription-notifications",
        "subscription-options",
      ].sort(),
    );
    expect(query.getChildren("feature").map((f) => f.attrs.var)).toContain(NS_PUBSUB);
  });

  it("disco#items lists the nodes one may see, and the items of a node to those allowed to read it", async () => {
    await create(alice, "listed", { "pubsub#title": "Listed" });
    await create(alice, "secret", { "pubsub#access_model": "whitelist" });
    await publish(alice, "listed", entry("x"), "x1");
    await publish(alice, "secret", entry("y"), "y1");
    const nodesOf = async (conn: ClientConnection) =>
      (await iq(conn, "get", "<query xmlns='http://jabber.org/protocol/disco#items'/>"))
        .getChild("query")
        ?.getChildren("item")
        .map((i) => i.attrs.node as string) ?? [];
    expect(await nodesOf(alice)).toEqual(expect.arrayContaining(["listed", "secret"]));
    const bobSees = await nodesOf(bob);
    expect(bobSees).toContain("listed");
    expect(bobSees).not.toContain("secret");

    const itemsOf = (conn: ClientConnection, node: string) =>
      iq(conn, "get", `<query xmlns='http://jabber.org/protocol/disco#items' node='${node}'/>`);
    const listed = await itemsOf(bob, "listed");
    expect(
      listed
        .getChild("query")
        ?.getChildren("item")
        .map((i) => i.attrs.name),
    ).toEqual(["x1"]);
    expect(
      (await itemsOf(alice, "secret"))
        .getChild("query")
        ?.getChildren("item")
        .map((i) => i.attrs.name),
    ).toEqual(["y1"]);
    await expectError(itemsOf(bob, "secret"), {
      type: "cancel",
      condition: "not-allowed",
      pubsub: "closed-node",
    });
    // Nor does an outsider learn a whitelist node's metadata (owners, item count).
    await expectError(
      iq(bob, "get", "<query xmlns='http://jabber.org/protocol/disco#info' node='secret'/>"),
      {
        type: "cancel",
        condition: "item-not-found",
      },
    );

    const nodeInfo = await iq(
      alice,
      "get",
      "<query xmlns='http://jabber.org/protocol/disco#info' node='listed'/>",
    );
    const identity = nodeInfo.getChild("query")?.getChild("identity");
    expect([identity?.attrs.category, identity?.attrs.type, identity?.attrs.name]).toEqual([
      "pubsub",
      "leaf",
      "Listed",
    ]);
    const meta = formValues(formOf(nodeInfo.getChild("query")));
    expect(meta["pubsub#owner"]).toEqual(["alice@localhost"]);
  });

  it("unsupported features are feature-not-implemented with <unsupported/> naming the feature", async () => {
    await expectError(pubsub(alice, "get", "<default/>"), {
      type: "cancel",
      condition: "feature-not-implemented",
      pubsub: "unsupported",
      feature: "retrieve-default-sub",
    });
    await expectError(create(alice, "presence-node", { "pubsub#access_model": "presence" }), {
      type: "cancel",
      condition: "feature-not-implemented",
      pubsub: "unsupported",
      feature: "access-presence",
    });
    await expectError(alice.request(makeCreate(HUB, "coll", { "pubsub#node_type": "collection" })), {
      type: "cancel",
      condition: "feature-not-implemented",
      pubsub: "unsupported",
      feature: "collections",
    });
  });
});
