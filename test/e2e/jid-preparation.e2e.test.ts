/* One RFC 7622 preparation for every JID that enters the hub, through a real Prosody: a
 * non-canonical spelling of an account is that account, and what does not prepare is refused and
 * never stored.
 * References: RFC 7622 §3.2–§3.4; XEP-0060 §6.1.3.1 and §8.9 (invalid-jid), RFC 6120 §8.3.3.8
 * (jid-malformed), XEP-0050 §4.4; docs/design.md §3 ("JIDs"). */
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CMD_SHARE } from "../../hub/devices/commands";
import type { ClientConnection } from "../../shared/xmpp/client";
import { makeItems, makeSubscribe } from "../../shared/xmpp/pubsub";
import { makeNodeAffiliations, makeNodeSubscriptions } from "../../shared/xmpp/pubsub-owner";
import {
  affiliate,
  create,
  entry,
  expectError,
  HUB,
  NS_PUBSUB_OWNER,
  publish,
  subscribe,
} from "../helpers/pubsub";
import { hubInbox, say } from "./control-setup";
import { startServer, type TestServer } from "./server";

const FORBIDDEN = { type: "auth", condition: "forbidden", pubsub: null };
const INVALID_JID = { type: "modify", condition: "bad-request", pubsub: "invalid-jid" };
const long = (n: number) => "a".repeat(n);
const domain1100 = Array.from({ length: 20 }, () => long(54)).join(".");

/** JIDs that do not prepare and can travel in XML 1.0 (C0 controls cannot). */
const MALFORMED = [
  "ce\u007fve@localhost", // DEL
  "ce\u0085ve@localhost", // a C1 control
  "ce\u202eve@localhost", // RIGHT-TO-LEFT OVERRIDE
  "ce\u200bve@localhost", // ZERO WIDTH SPACE
  "ce ve@localhost",
  `${long(1100)}@localhost`,
  `ceve@${domain1100}`,
  "ceve@localhost..",
  "ceve@local_host",
  `ceve@localhost/${long(1100)}`,
];

describe("JID preparation end to end", () => {
  let server: TestServer;
  let owner: ClientConnection;
  let ceve: ClientConnection;
  let dot: ClientConnection;

  beforeAll(async () => {
    server = await startServer();
    await server.hub(["--hub.allowLocalUsers"]);
    const connect = async (name: string) => server.client(await server.register(name));
    [owner, ceve, dot] = [await connect("jpowner"), await connect("ceve"), await connect("dot")];
  });
  afterAll(async () => {
    await server?.stop();
  });

  const affiliations = async (node: string) =>
    (await owner.request(makeNodeAffiliations(HUB, node)))
      .getChild("pubsub", NS_PUBSUB_OWNER)
      ?.getChild("affiliations")
      ?.getChildren("affiliation")
      .map((a) => `${a.attrs.jid}=${a.attrs.affiliation}`)
      .sort();
  const subscriptions = async (node: string) =>
    (await owner.request(makeNodeSubscriptions(HUB, node)))
      .getChild("pubsub", NS_PUBSUB_OWNER)
      ?.getChild("subscriptions")
      ?.getChildren("subscription")
      .map((s) => `${s.attrs.jid}=${s.attrs.subscription}`);

  it("an outcast given in fullwidth is the account itself: refused items and subscribe", async () => {
    await create(owner, "jp-open");
    await publish(owner, "jp-open", entry("hello"), "i1");
    await affiliate(owner, "jp-open", "ｃｅｖｅ@localhost", "outcast");
    expect(await affiliations("jp-open")).toEqual(["ceve@localhost=outcast", "jpowner@localhost=owner"]);
    await expectError(ceve.request(makeItems(HUB, "jp-open")), FORBIDDEN);
    await expectError(subscribe(ceve, "jp-open"), FORBIDDEN);
    // Upper case and a trailing dot are the same account too.
    await affiliate(owner, "jp-open", "CEVE@LocalHost.", "none");
    expect(await affiliations("jp-open")).toEqual(["jpowner@localhost=owner"]);
  });

  it("a trailing-dot domain names the same principal", async () => {
    await create(owner, "jp-members", { "pubsub#access_model": "whitelist" });
    await publish(owner, "jp-members", entry("for members"), "m1");
    await expectError(dot.request(makeItems(HUB, "jp-members")), {
      type: "cancel",
      condition: "not-allowed",
      pubsub: "closed-node",
    });
    await affiliate(owner, "jp-members", "dot@localhost.", "member");
    expect(await affiliations("jp-members")).toEqual(["dot@localhost=member", "jpowner@localhost=owner"]);
    await dot.request(makeItems(HUB, "jp-members"));
    // The subscriber JID with a trailing dot is the sender's own.
    const sub = await subscribe(dot, "jp-members", "dot@localhost.");
    expect([sub.attrs.jid, sub.attrs.subscription]).toEqual(["dot@localhost", "subscribed"]);
  });

  it("malformed JIDs in affiliations are refused with invalid-jid and nothing is stored", async () => {
    await create(owner, "jp-guarded");
    const before = await affiliations("jp-guarded");
    for (const jid of MALFORMED) {
      await expectError(affiliate(owner, "jp-guarded", jid, "member"), INVALID_JID);
      // One bad entry refuses the whole change: the good one next to it is not stored either.
      await expectError(
        owner.request(
          makeNodeAffiliations(HUB, "jp-guarded", { "dot@localhost": "member", [jid]: "outcast" }),
        ),
        INVALID_JID,
      );
    }
    expect(await affiliations("jp-guarded")).toEqual(before);
  });

  it("malformed subscriber JIDs are refused with invalid-jid and nothing is stored", async () => {
    await create(owner, "jp-subs");
    const own = ceve.jid().split("/")[0] as string;
    for (const jid of [
      `${own}/${long(1100)}`,
      `${own}/a\u202eb`,
      `${own}/a\u200bb`,
      `${own}/\u0085`,
      ...MALFORMED,
    ]) {
      await expectError(ceve.request(makeSubscribe(HUB, "jp-subs", jid)), INVALID_JID);
    }
    expect(await subscriptions("jp-subs")).toEqual([]);
  });

  it("a malformed JID in the share form is jid-malformed, and in chat a clear reply", async () => {
    const command = (jid: string) =>
      xml(
        "iq",
        { type: "set", to: HUB },
        xml(
          "command",
          { xmlns: "http://jabber.org/protocol/commands", node: CMD_SHARE, action: "complete" },
          xml(
            "x",
            { xmlns: "jabber:x:data", type: "submit" },
            xml("field", { var: "device" }, xml("value", {}, "kitchen-1")),
            xml("field", { var: "jid" }, xml("value", {}, jid)),
            xml("field", { var: "level" }, xml("value", {}, "read")),
          ),
        ),
      );
    for (const jid of MALFORMED) {
      await expectError(owner.request(command(jid)), { type: "modify", condition: "jid-malformed" });
    }
    const inbox = hubInbox(owner);
    expect(await say(owner, inbox, "share kitchen-1 with ce\u202eve@localhost read")).toContain(
      '"ce\\u{202e}ve@localhost" is not a valid JID',
    );
  });
});
