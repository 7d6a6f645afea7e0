/* The notifier: bounded slices with a turn of the event loop between them, backpressure from the
 * socket's write callbacks, the access rule asked when each slice leaves, and §8.2.5.3
 * configuration notifications. */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { createAccessRule } from "../../../../hub/access/rule";
import { defaultConfigFor } from "../../../../hub/pubsub/node-config";
import { createNotifier } from "../../../../hub/pubsub/notify";
import { createMemoryStore } from "../../../../hub/pubsub/storage/memory";
import type { NodeConfig } from "../../../../hub/pubsub/storage/types";
import type { PubsubEvent } from "../../../../hub/pubsub/types";
import { silentLogger } from "../../../../shared/log";
import { canon } from "../../../helpers/stanza";

const EV = "http://jabber.org/protocol/pubsub#event";

async function rig(over: Partial<NodeConfig> = {}, sliceSize = 3) {
  const store = createMemoryStore();
  const config = { ...defaultConfigFor("n"), accessModel: "open" as const, ...over };
  await store.createNode({ id: "n", config, creator: "alice@x", created: 0 }, "alice@x");
  const sent: Element[] = [];
  const writes: Array<() => void> = [];
  let turns = 0;
  let free = false;
  const releaseTurn: Array<() => void> = [];
  const notifier = createNotifier({
    jid: "hub.x",
    log: silentLogger(),
    access: createAccessRule({ store, admins: [] }),
    newId: () => `m${sent.length}`,
    sliceSize,
    // The socket takes a stanza only when the test says so (write callback pending until then).
    send: (stanza) =>
      new Promise<void>((resolve) => {
        sent.push(stanza);
        if (free) resolve();
        else writes.push(resolve);
      }),
    yieldTurn: () =>
      new Promise<void>((resolve) => {
        turns++;
        if (free) resolve();
        else releaseTurn.push(resolve);
      }),
  });
  const flush = () => new Promise<void>((r) => setImmediate(r));
  const takeWrites = () => {
    for (const w of writes.splice(0)) w();
  };
  /** From now on the socket takes everything and turns pass at once. */
  const runFree = async () => {
    free = true;
    takeWrites();
    for (const t of releaseTurn.splice(0)) t();
    await notifier.idle();
  };
  return { store, notifier, sent, takeWrites, flush, turns: () => turns, releaseTurn, config, runFree };
}

const recipients = (n: number) => Array.from({ length: n }, (_, i) => ({ jid: `u${i}@x`, subid: `s${i}` }));
const items = (to: number): PubsubEvent => ({
  type: "items",
  node: "n",
  items: [{ id: "a", payload: "<e xmlns='urn:t'/>", publisher: "alice@x", published: 0 }],
  recipients: recipients(to),
  payloads: true,
  delayed: false,
  messageType: "headline",
});

describe("createNotifier pacing", () => {
  it("sends one slice, waits for the socket to take it, yields a turn, then sends the next", async () => {
    const r = await rig();
    r.notifier.broadcast(items(7));
    await r.notifier.started();
    expect(r.sent.map((m) => m.attrs.to)).toEqual(["u0@x", "u1@x", "u2@x"]);
    await r.flush();
    expect(r.sent).toHaveLength(3); // backpressure: the socket has not taken the first slice
    r.takeWrites();
    await r.flush();
    expect(r.turns()).toBe(1); // the event loop gets its turn before the second slice
    expect(r.sent).toHaveLength(3);
    r.releaseTurn.shift()?.();
    await r.flush();
    expect(r.sent.map((m) => m.attrs.to)).toEqual(["u0@x", "u1@x", "u2@x", "u3@x", "u4@x", "u5@x"]);
    r.takeWrites();
    await r.flush();
    r.releaseTurn.shift()?.();
    await r.flush();
    r.takeWrites();
    await r.notifier.idle();
    expect(r.sent.map((m) => m.attrs.to)).toHaveLength(7);
    expect(r.turns()).toBe(2);
  });

  it("keeps events in order: the second waits for the first to finish", async () => {
    const r = await rig({}, 2);
    r.notifier.broadcast(items(3));
    r.notifier.broadcast({ type: "purge", node: "n", recipients: recipients(1) });
    await r.flush();
    expect(r.sent.map((m) => m.getChild("event")?.getChildElements()[0]?.name)).toEqual(["items", "items"]);
    await r.runFree();
    expect(r.sent.map((m) => m.getChild("event")?.getChildElements()[0]?.name)).toEqual([
      "items",
      "items",
      "items",
      "purge",
    ]);
  });

  it("asks the access rule when each slice leaves: access taken mid fan-out stops the payloads", async () => {
    const r = await rig();
    r.notifier.broadcast(items(6));
    await r.notifier.started();
    expect(r.sent).toHaveLength(3);
    await r.store.setNodeConfig("n", { ...r.config, accessModel: "whitelist" });
    await r.store.setAffiliation("n", "u4@x", "member");
    await r.runFree();
    expect(r.sent.map((m) => m.attrs.to)).toEqual(["u0@x", "u1@x", "u2@x", "u4@x"]);
  });

  it("sends nothing of a node that is gone, but still tells subscribers it was deleted", async () => {
    const r = await rig();
    await r.store.deleteNode("n");
    r.notifier.broadcast(items(2));
    r.notifier.broadcast({ type: "delete", node: "n", recipients: recipients(1) });
    await r.notifier.started();
    expect(r.sent.map((m) => m.getChild("event")?.getChildElements()[0]?.name)).toEqual(["delete"]);
  });
});

describe("a 10,000-recipient fan-out", () => {
  it("lets the event loop serve a socket's incoming stanza (a ping) before the fan-out has finished", async () => {
    const store = createMemoryStore();
    await store.createNode(
      { id: "n", config: defaultConfigFor("n"), creator: "alice@x", created: 0 },
      "alice@x",
    );
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address() as { port: number };
    const accepted = once(server, "connection") as Promise<[Socket]>;
    const client = connect(address.port, "127.0.0.1");
    await once(client, "connect");
    const [peer] = await accepted;
    let sent = 0;
    let sentWhenPinged: number | undefined;
    peer.on("data", () => {
      sentWhenPinged ??= sent; // the hub reads the ping here: how far has the fan-out gone?
    });
    const notifier = createNotifier({
      jid: "hub.x",
      log: silentLogger(),
      access: createAccessRule({ store, admins: [] }),
      send: async () => {
        if (++sent === 1) client.write("<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
      },
    });
    notifier.broadcast(items(10_000));
    await notifier.idle();
    expect(sent).toBe(10_000);
    expect(sentWhenPinged).toBeLessThan(10_000);
    client.destroy();
    server.close();
  });
});

describe("configuration notifications (XEP-0060 §8.2.5.3)", () => {
  it("carry the node_config form when the node delivers payloads", async () => {
    const r = await rig({ deliverPayloads: true, title: "T" }, 10);
    r.notifier.broadcast({ type: "config", node: "n", recipients: recipients(1) });
    await r.notifier.started();
    const configuration = r.sent[0]?.getChild("event", EV)?.getChild("configuration");
    const form = configuration?.getChild("x", "jabber:x:data");
    expect(configuration?.attrs.node).toBe("n");
    expect(form?.attrs.type).toBe("result");
    const fields = new Map(
      form?.getChildren("field").map((f) => [f.attrs.var as string, f.getChildText("value")]) ?? [],
    );
    expect(fields.get("FORM_TYPE")).toBe("http://jabber.org/protocol/pubsub#node_config");
    expect(fields.get("pubsub#title")).toBe("T");
    expect(fields.get("pubsub#access_model")).toBe("open");
  });

  it("are empty when the node does not deliver payloads", async () => {
    const r = await rig({ deliverPayloads: false }, 10);
    r.notifier.broadcast({ type: "config", node: "n", recipients: recipients(1) });
    await r.notifier.started();
    expect(canon(r.sent[0])).toBe(
      canon(
        `<message from='hub.x' to='u0@x' type='headline' id='m0'><event xmlns='${EV}'><configuration node='n'/></event></message>`,
      ),
    );
  });
});

describe("createNotifier settling with the server between slices", () => {
  it("sends no further slice until the server has answered the round trip after the last one", async () => {
    const store = createMemoryStore();
    const config = { ...defaultConfigFor("n"), accessModel: "open" as const };
    await store.createNode({ id: "n", config, creator: "alice@x", created: 0 }, "alice@x");
    const sent: Element[] = [];
    const settles: Array<() => void> = [];
    const notifier = createNotifier({
      jid: "hub.x",
      log: silentLogger(),
      access: createAccessRule({ store, admins: [] }),
      newId: () => `m${sent.length}`,
      sliceSize: 2,
      send: async (stanza) => void sent.push(stanza),
      yieldTurn: () => new Promise<void>((r) => setImmediate(r)),
      settle: () => new Promise<void>((resolve) => settles.push(resolve)),
    });
    const flush = () => new Promise<void>((r) => setImmediate(r));
    notifier.broadcast(items(5));
    await notifier.started();
    for (let i = 0; i < 5; i++) await flush();
    expect(sent).toHaveLength(2); // the first slice, then waiting for the server
    expect(settles).toHaveLength(1);
    settles.shift()?.();
    for (let i = 0; i < 5; i++) await flush();
    expect(sent).toHaveLength(4);
    expect(settles).toHaveLength(1);
    settles.shift()?.();
    await notifier.idle();
    expect(sent.map((m) => m.attrs.to)).toEqual(["u0@x", "u1@x", "u2@x", "u3@x", "u4@x"]);
    expect(settles).toHaveLength(0); // no round trip after the last slice
  });
});
