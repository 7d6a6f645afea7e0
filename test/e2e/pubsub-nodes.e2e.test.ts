/* Node lifecycle through a real Prosody: creation policy, create (configured, instant),
 * configure, delete with redirect, purge, disco, unsupported features.
 * References: XEP-0060 §5 (discovery), §8.1–§8.5, §10; docs/design.md §2 (device subtrees). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import type { CliProcess } from "../helpers/cli";
import {
  configForm,
  create,
  entry,
  eventOf,
  expectError,
  formOf,
  formValues,
  type Inbox,
  inbox,
  iq,
  itemIds,
  NS_PUBSUB,
  NS_PUBSUB_OWNER,
  owner,
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
    await create(device, "devices/dev-1/readings");
    await expectError(create(device, "devices/dev-2/readings"), FORBIDDEN);
    await expectError(create(device, "dev-1-elsewhere"), FORBIDDEN);
    await expectError(create(alice, "alice-node"), FORBIDDEN);
    await expectError(create(alice, "devices/dev-1/state"), FORBIDDEN);
    await create(admin, "devices/dev-3/meta");
    await create(admin, "admin-anywhere");

    // --hub.allowLocalUsers: local users may create outside devices/, still never in a device's subtree.
    await hub.stop();
    hub = await server.hub(["--hub.admins", "admin@localhost", "--hub.allowLocalUsers"]);
    await create(alice, "alice-node");
    await expectError(create(alice, "devices/dev-1/state"), FORBIDDEN);
    await expectError(create(device, "devices/dev-2/state"), FORBIDDEN);
    // The device owns its readings node; it is whitelist-only by default.
    const config = await owner(device, "get", "<configure node='devices/dev-1/readings'/>");
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
    const config = await owner(alice, "get", "<configure node='configured'/>");
    const x = formOf(config.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure"));
    expect(x?.attrs.type).toBe("form");
    const values = formValues(x);
    expect(values.FORM_TYPE).toEqual(["http://jabber.org/protocol/pubsub#node_config"]);
    expect(values["pubsub#title"]).toEqual(["Configured"]);
    expect(values["pubsub#max_items"]).toEqual(["7"]);
    expect(values["pubsub#notify_retract"]).toEqual(["0"]);

    const instant = await pubsub(alice, "set", "<create/>");
    const name = instant.getChild("pubsub", NS_PUBSUB)?.getChild("create")?.attrs.node as string;
    expect(name).toMatch(/^instant-/); // §8.1.2
    await publish(alice, name, entry("in the instant node"), "one");
    expect(itemIds(await pubsub(alice, "get", `<items node='${name}'/>`))).toEqual(["one"]);

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
    await owner(
      alice,
      "set",
      `<configure node='conf'>${configForm({ "pubsub#title": "Renamed", "pubsub#notify_config": "1" })}</configure>`,
    );
    const notice = await bobInbox.next((m) => eventOf(m, "conf")?.name === "configuration");
    expect(notice.attrs.from).toBe("hub.localhost"); // pubsub#notify_config
    const read = await owner(alice, "get", "<configure node='conf'/>");
    const values = formValues(formOf(read.getChild("pubsub", NS_PUBSUB_OWNER)?.getChild("configure")));
    expect(values["pubsub#title"]).toEqual(["Renamed"]);

    const NOT_ACCEPTABLE = { type: "modify", condition: "not-acceptable", pubsub: null };
    const submit = (fields: Record<string, string>) =>
      owner(alice, "set", `<configure node='conf'>${configForm(fields)}</configure>`);
    await expectError(submit({ "pubsub#max_items": "-3" }), NOT_ACCEPTABLE);
    await expectError(submit({ "pubsub#access_model": "everyone" }), NOT_ACCEPTABLE);
    await expectError(submit({ "pubsub#no_such_option": "1" }), NOT_ACCEPTABLE);
    await expectError(submit({ "pubsub#access_model": "roster" }), {
      type: "cancel",
      condition: "feature-not-implemented",
      pubsub: "unsupported",
      feature: "access-roster",
    });
    await expectError(owner(bob, "get", "<configure node='conf'/>"), FORBIDDEN);
    await expectError(
      owner(bob, "set", `<configure node='conf'>${configForm({ "pubsub#title": "x" })}</configure>`),
      FORBIDDEN,
    );
    await expectError(owner(alice, "get", "<configure node='no-such-node'/>"), NOT_FOUND);
    // Nothing of the refused submissions was applied.
    const after = await owner(alice, "get", "<configure node='conf'/>");
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
    await expectError(owner(bob, "set", "<purge node='purged'/>"), FORBIDDEN);
    await owner(alice, "set", "<purge node='purged'/>");
    const purged = await bobInbox.next((m) => eventOf(m, "purged")?.name === "purge");
    expect(eventOf(purged)?.attrs.node).toBe("purged");
    expect(itemIds(await pubsub(bob, "get", "<items node='purged'/>"))).toEqual([]);

    await expectError(owner(bob, "set", "<delete node='doomed'/>"), FORBIDDEN);
    await owner(
      alice,
      "set",
      "<delete node='doomed'><redirect uri='xmpp:hub.localhost?;node=purged'/></delete>",
    );
    const deleted = await bobInbox.next((m) => eventOf(m, "doomed")?.name === "delete");
    expect(eventOf(deleted)?.getChild("redirect")?.attrs.uri).toBe("xmpp:hub.localhost?;node=purged");
    await expectError(pubsub(bob, "get", "<items node='doomed'/>"), NOT_FOUND);
    await expectError(owner(alice, "set", "<delete node='doomed'/>"), NOT_FOUND);
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
    await expectError(
      pubsub(
        alice,
        "set",
        "<create node='coll'/><configure>" +
          `${configForm({ "pubsub#node_type": "collection" })}</configure>`,
      ),
      {
        type: "cancel",
        condition: "feature-not-implemented",
        pubsub: "unsupported",
        feature: "collections",
      },
    );
  });
});
