/* Durability of the hub's PubSub store: the `xiot hub` child process is killed with SIGKILL at
 * random moments during a publish storm and restarted on the same data folder. Every
 * acknowledged item must be there, whole; subscriptions, affiliations and max_items must hold.
 * References: XEP-0060 §7.1.2 (an acknowledged publish is stored), docs/design.md §1 (SQLite, WAL),
 * hub/db/group-commit.ts (acknowledgement only after COMMIT). XIOT_CRASH_ROUNDS sets the
 * number of kills (default 10). */
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeItems, makePublish } from "../../shared/xmpp/pubsub";
import { makeNodeAffiliations, makeNodeSubscriptions } from "../../shared/xmpp/pubsub-owner";
import type { CliProcess } from "../helpers/cli";
import { affiliate, create, entry, HUB, NS_PUBSUB, NS_PUBSUB_OWNER, subscribe } from "../helpers/pubsub";
import { parseXml } from "../helpers/stanza";
import { startServer, type TestServer } from "./server";

const ROUNDS = Number(process.env.XIOT_CRASH_ROUNDS ?? 10);
const HUB_ARGS = [
  "--hub.allowLocalUsers",
  "--pubsub.publishRate",
  "100000",
  "--pubsub.publishBurst",
  "100000",
  "--pubsub.maxItemsPerPage",
  "1000",
  "--storage.commitWindowMs",
  "2",
];
const STORM = "storm";
const CAPPED = "capped";
const CAP = 5;

/** Every item of a node, newest first, paging with RSM: id → payload text. */
async function allItems(conn: ClientConnection, node: string): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  let after: string | undefined;
  for (;;) {
    const result = await conn.request(makeItems(HUB, node, { page: { max: 1000, after } }));
    const items = result.getChild("pubsub", NS_PUBSUB)?.getChild("items")?.getChildren("item") ?? [];
    for (const item of items) {
      out.set(item.attrs.id as string, item.getChild("entry", "urn:xiot:test:0")?.text());
    }
    if (items.length === 0) return out;
    after = (items[items.length - 1] as Element).attrs.id as string;
  }
}

async function ownerView(conn: ClientConnection, what: "subscriptions" | "affiliations", node: string) {
  const request = what === "subscriptions" ? makeNodeSubscriptions : makeNodeAffiliations;
  const result = await conn.request(request(HUB, node));
  return (
    result
      .getChild("pubsub", NS_PUBSUB_OWNER)
      ?.getChild(what)
      ?.getChildElements()
      .map((e) => `${e.attrs.jid} ${e.attrs.subscription ?? e.attrs.affiliation} ${e.attrs.subid ?? ""}`)
      .sort() ?? []
  );
}

interface Ledger {
  /** id → payload text, for every publish attempted. */
  sent: Map<string, string>;
  acked: Set<string>;
}

/** One publisher's storm: sequential publishes until stopped; the outcome of each is recorded. */
async function storm(conn: ClientConnection, tag: string, ledger: Ledger, stop: { now: boolean }) {
  for (let n = 0; !stop.now; n++) {
    const node = n % 10 === 9 ? CAPPED : STORM;
    const id = `${tag}-${n}`;
    const text = `${id}:${Math.random().toString(36).slice(2)}`;
    ledger.sent.set(id, text);
    try {
      const request = makePublish(HUB, node, parseXml(entry(text)), { id });
      // A publish the killed hub had read but not answered gets no reply: give up after 2 s.
      const result = await conn.request(request, 2_000);
      const acked = result.getChild("pubsub", NS_PUBSUB)?.getChild("publish")?.getChild("item")?.attrs.id;
      if (acked === id) ledger.acked.add(id);
    } catch {
      // Refused or unanswered while the hub was down: the outcome is unknown, which the
      // checks allow (present and whole, or absent); the storm ends at the kill.
      return;
    }
  }
}

describe("PubSub durability under SIGKILL", () => {
  let server: TestServer;
  let hub: CliProcess;
  let alice: ClientConnection;
  let publisher: ClientConnection;

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub(HUB_ARGS);
    alice = await server.client(await server.register("alice"));
    publisher = await server.client(await server.register("pub"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`keeps every acknowledged item whole across ${ROUNDS} kills, with subscriptions, affiliations and max_items`, async () => {
    await create(alice, STORM, { "pubsub#max_items": "max" });
    await create(alice, CAPPED, { "pubsub#max_items": String(CAP) });
    const watcher = await server.client(await server.register("watcher"), "screen");
    const member = await server.register("member");
    for (const node of [STORM, CAPPED]) {
      await affiliate(alice, node, "pub@localhost", "publisher");
      await affiliate(alice, node, member.jid, "member");
      await subscribe(watcher, node, "watcher@localhost");
      await subscribe(watcher, node, watcher.jid());
    }
    const before = {
      subs: await ownerView(alice, "subscriptions", STORM),
      affs: await ownerView(alice, "affiliations", STORM),
      cappedSubs: await ownerView(alice, "subscriptions", CAPPED),
      cappedAffs: await ownerView(alice, "affiliations", CAPPED),
    };
    expect(before.subs).toHaveLength(2);
    expect(before.affs).toHaveLength(3);

    const ledger: Ledger = { sent: new Map(), acked: new Set() };
    for (let round = 0; round < ROUNDS; round++) {
      const stop = { now: false };
      const storms = [storm(alice, `a${round}`, ledger, stop), storm(publisher, `p${round}`, ledger, stop)];
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400)); // a random moment
      hub.child.kill("SIGKILL");
      await hub.exited;
      stop.now = true;
      [hub] = await Promise.all([server.hub(HUB_ARGS), ...storms]);
    }

    const stored = await allItems(alice, STORM);
    const cappedItems = await allItems(alice, CAPPED);
    const storedAll = new Map([...stored, ...cappedItems]);
    const ackedStorm = [...ledger.acked].filter((id) => !isCapped(id));
    expect(ledger.acked.size).toBeGreaterThan(ROUNDS * 10);
    console.info(
      `durability: ${ROUNDS} kills, ${ledger.sent.size} publishes sent, ${ledger.acked.size} acknowledged, ${storedAll.size} stored`,
    );
    // Every acknowledged publish to the uncapped node is there.
    const missing = ackedStorm.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    // Nothing half-written: every stored item is one that was sent, with exactly its payload.
    for (const [id, text] of storedAll) expect({ id, text }).toEqual({ id, text: ledger.sent.get(id) });
    // max_items holds on the capped node: never more than CAP, and as many as were acknowledged
    // up to CAP (how many publishes reached it before each kill is up to the moment of the kill).
    const ackedCapped = [...ledger.acked].filter(isCapped);
    expect(cappedItems.size).toBeLessThanOrEqual(CAP);
    expect(cappedItems.size).toBeGreaterThanOrEqual(Math.min(CAP, ackedCapped.length));
    // After the kills, more than CAP publishes leave exactly the newest CAP.
    const after = Array.from({ length: CAP + 2 }, (_, i) => `after-${i}`);
    for (const id of after) await alice.request(makePublish(HUB, CAPPED, parseXml(entry(id)), { id }));
    expect([...(await allItems(alice, CAPPED)).keys()].sort()).toEqual(after.slice(-CAP).sort());
    expect(await ownerView(alice, "subscriptions", STORM)).toEqual(before.subs);
    expect(await ownerView(alice, "affiliations", STORM)).toEqual(before.affs);
    expect(await ownerView(alice, "subscriptions", CAPPED)).toEqual(before.cappedSubs);
    expect(await ownerView(alice, "affiliations", CAPPED)).toEqual(before.cappedAffs);
  }, 180_000);
});

/** Ids published to the capped node: every tenth of each storm (n % 10 === 9). */
function isCapped(id: string): boolean {
  const n = Number(id.slice(id.lastIndexOf("-") + 1));
  return n % 10 === 9;
}
