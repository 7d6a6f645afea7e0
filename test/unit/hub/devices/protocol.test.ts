import { describe, expect, it } from "vitest";
import { createProvisioningRoutes } from "../../../../hub/devices/protocol";
import { canon, iqContext, routeIq } from "../../../helpers/stanza";
import { ADMIN, ALICE, BOB, setup } from "./setup";

const NS = "urn:xiot:provisioning:0";
const STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const DEVICE = "kitchen@example.org/agent";

async function protocol() {
  const s = setup();
  const keys = await s.provision("kitchen");
  const routes = createProvisioningRoutes({
    devices: s.service,
    status: async (id) => (id === "kitchen" ? { availability: "online", since: 0, lastReading: 1000 } : {}),
    decisionTtlMs: 60_000,
  });
  const send = (type: "get" | "set", from: string, payload: string) =>
    routeIq(routes, iqContext(type, from, payload));
  return { ...s, ...keys, send };
}

const nodes =
  "<node kind='readings' name='devices/kitchen/readings'/><node kind='state' name='devices/kitchen/state'/>" +
  "<node kind='availability' name='devices/kitchen/availability'/><node kind='meta' name='devices/kitchen/meta'/>";

const error = (type: string, condition: string, text?: string) =>
  `<error type='${type}'><${condition} xmlns='${STANZAS}'/>${text ? `<text xmlns='${STANZAS}'>${text}</text>` : ""}</error>`;

describe("provisioning IQs", () => {
  it("registers a device with its secret and tags, idempotently, and answers its nodes", async () => {
    const p = await protocol();
    const register = `<register xmlns='${NS}' secret='${p.registrationSecret}'><str name='firmware' value='1.0'/><num name='boot' value='7'/></register>`;
    const expected = `<registered xmlns='${NS}' device='kitchen' jid='kitchen@example.org'>${nodes}</registered>`;
    expect(canon(await p.send("set", DEVICE, register))).toBe(canon(expected));
    expect(canon(await p.send("set", DEVICE, register))).toBe(canon(expected));
    const record = await p.store.getDevice("kitchen");
    expect(record?.meta).toEqual({ firmware: "1.0", boot: "7" });
  });

  it("refuses a wrong secret, another device's JID and unknown tags", async () => {
    const p = await protocol();
    const wrong = await p.send("set", DEVICE, `<register xmlns='${NS}' secret='AAAA'/>`);
    expect(canon(wrong)).toBe(canon(error("auth", "not-authorized", "wrong or missing registration secret")));
    await p.provision("garage");
    // garage's JID with kitchen's secret: the secret is tied to kitchen.
    const other = await p.send(
      "set",
      "garage@example.org/agent",
      `<register xmlns='${NS}' secret='${p.registrationSecret}'/>`,
    );
    expect(canon(other)).toBe(canon(error("auth", "not-authorized", "wrong or missing registration secret")));
    const tag = await p.send(
      "set",
      DEVICE,
      `<register xmlns='${NS}' secret='${p.registrationSecret}'><str name='password' value='x'/></register>`,
    );
    expect(canon(tag)).toBe(canon(error("modify", "not-acceptable", "tag not allowed: password")));
    expect((await p.store.getDevice("kitchen"))?.state).toBe("provisioned");
  });

  it("a second session of the same account cannot take a registration over", async () => {
    const p = await protocol();
    await p.send("set", DEVICE, `<register xmlns='${NS}' secret='${p.registrationSecret}'/>`);
    const again = await p.send(
      "set",
      "kitchen@example.org/other",
      `<register xmlns='${NS}' secret='${p.registrationSecret}'/>`,
    );
    expect(canon(again)).toBe(canon(error("cancel", "conflict", "already registered")));
  });

  it("claims by device and key, and by key alone", async () => {
    const p = await protocol();
    const claimed = await p.send("set", ALICE, `<claim xmlns='${NS}' device='kitchen' key='${p.claimKey}'/>`);
    expect(canon(claimed)).toBe(canon(`<claimed xmlns='${NS}' device='kitchen'>${nodes}</claimed>`));
    const q = await p.provision("garage");
    const mine = await p.send("set", BOB, `<mine xmlns='${NS}' key='${q.claimKey}'/>`);
    expect(mine?.attrs.device).toBe("garage");
    const missing = await p.send("set", BOB, `<claim xmlns='${NS}' device='kitchen'/>`);
    expect(canon(missing)).toBe(canon(error("modify", "bad-request", "claim needs device and key")));
  });

  it("locks a guessing claimant out with policy-violation", async () => {
    const p = await protocol();
    let last: string | undefined;
    for (let i = 0; i < 6; i++) {
      const r = await p.send(
        "set",
        BOB,
        `<claim xmlns='${NS}' device='kitchen' key='AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'/>`,
      );
      last = r?.getChildElements()[0]?.name;
    }
    expect(last).toBe("policy-violation");
  });

  it("lists devices with owner, availability and last reading", async () => {
    const p = await protocol();
    await p.send("set", ALICE, `<claim xmlns='${NS}' device='kitchen' key='${p.claimKey}'/>`);
    const list = await p.send("get", ALICE, `<devices xmlns='${NS}'/>`);
    expect(canon(list)).toBe(
      canon(
        `<devices xmlns='${NS}'><device id='kitchen' model='sim-thermo' state='provisioned' role='owner' owner='alice@example.org' availability='online' since='1970-01-01T00:00:00.000Z' last-reading='1970-01-01T00:00:01.000Z'/></devices>`,
      ),
    );
    expect(canon(await p.send("get", BOB, `<devices xmlns='${NS}'/>`))).toBe(
      canon(`<devices xmlns='${NS}'/>`),
    );
    expect((await p.send("get", ADMIN, `<devices xmlns='${NS}'/>`))?.getChildren("device")).toHaveLength(1);
  });

  it("answers a device's canRead and canControl with a cacheable decision", async () => {
    const p = await protocol();
    await p.send("set", ALICE, `<claim xmlns='${NS}' device='kitchen' key='${p.claimKey}'/>`);
    await p.service.share(ALICE, "kitchen", "bob@example.org", "read");
    const read = await p.send("get", DEVICE, `<canRead xmlns='${NS}' jid='Bob@Example.org/x'/>`);
    expect(canon(read)).toBe(
      canon(
        `<canReadResponse xmlns='${NS}' device='kitchen' jid='bob@example.org' result='true' ttl='60000'/>`,
      ),
    );
    const control = await p.send("get", DEVICE, `<canControl xmlns='${NS}' jid='bob@example.org'/>`);
    expect(control?.attrs.result).toBe("false");
    const notDevice = await p.send("get", BOB, `<canRead xmlns='${NS}' jid='bob@example.org'/>`);
    expect(canon(notDevice)).toBe(
      canon(error("auth", "forbidden", "only a device asks about its own access")),
    );
  });

  it("unregisters a device so that its secret registers it again, and disowns", async () => {
    const p = await protocol();
    await p.send("set", DEVICE, `<register xmlns='${NS}' secret='${p.registrationSecret}'/>`);
    expect(await p.send("set", DEVICE, `<unregister xmlns='${NS}'/>`)).toBeUndefined();
    expect((await p.store.getDevice("kitchen"))?.state).toBe("provisioned");
    const again = await p.send(
      "set",
      "kitchen@example.org/agent2",
      `<register xmlns='${NS}' secret='${p.registrationSecret}'/>`,
    );
    expect(again?.name).toBe("registered");
    expect(canon(await p.send("set", ALICE, `<unregister xmlns='${NS}'/>`))).toBe(
      canon(error("cancel", "item-not-found", "alice")),
    );
    await p.send("set", ALICE, `<claim xmlns='${NS}' device='kitchen' key='${p.claimKey}'/>`);
    expect(await p.send("set", ALICE, `<disown xmlns='${NS}' device='kitchen'/>`)).toBeUndefined();
    expect((await p.store.getDevice("kitchen"))?.owner).toBeNull();
    expect(canon(await p.send("set", BOB, `<disown xmlns='${NS}' device='kitchen'/>`))).toBe(
      canon(error("auth", "forbidden", "kitchen")),
    );
  });
});
