import { describe, expect, it } from "vitest";
import { hashSecret } from "../../../../hub/devices/secrets";
import { ADMIN, ALICE, START, setup, value } from "./setup";

const META = { serial: "SN-0001", model: "sim-thermo", firmware: "1.0.0" };
const nodes = (id: string) => ({
  readings: `devices/${id}/readings`,
  state: `devices/${id}/state`,
  availability: `devices/${id}/availability`,
  meta: `devices/${id}/meta`,
});

describe("provision", () => {
  it("returns the bundle once and stores only hashes", async () => {
    const s = setup();
    const bundle = value(
      await s.service.provision("ADMIN@example.org/cli", { id: "kitchen", model: "sim-thermo" }),
    );
    expect(bundle).toMatchObject({
      deviceId: "kitchen",
      jid: "kitchen@example.org",
      hub: "hub.example.org",
      model: "sim-thermo",
      nodes: nodes("kitchen"),
    });
    expect(bundle.claimKey).toMatch(/^[A-Z2-7]{32}$/); // 160 bits
    expect(bundle.registrationSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect(bundle.registrationSecret).not.toBe(bundle.claimKey);
    expect(bundle.claimUri).toBe(`xmpp:hub.example.org?message;body=claim%20kitchen%20${bundle.claimKey}`);
    expect(decodeURIComponent(bundle.claimUri.split("body=")[1] as string)).toBe(
      `claim kitchen ${bundle.claimKey}`,
    );
    const stored = await s.store.getDevice("kitchen");
    expect(stored).toEqual({
      id: "kitchen",
      model: "sim-thermo",
      createdBy: "admin@example.org",
      createdAt: START,
      state: "provisioned",
      secretHash: hashSecret(bundle.registrationSecret),
      claimKeyHash: hashSecret(bundle.claimKey),
      owner: null,
      meta: null,
      registeredJid: null,
      registeredAt: null,
    });
    expect(s.calls).toEqual([{ op: "ensure", node: "kitchen" }]);
    const log = await s.store.auditOf("kitchen");
    expect(log).toEqual([
      {
        time: START,
        device: "kitchen",
        actor: "admin@example.org",
        action: "provision",
        outcome: "ok",
        detail: "sim-thermo",
      },
    ]);
    expect(JSON.stringify(log)).not.toContain(bundle.claimKey);
  });

  it("is for admins only", async () => {
    const s = setup();
    expect(await s.service.provision(ALICE, { id: "kitchen", model: "m" })).toMatchObject({
      ok: false,
      error: "forbidden",
    });
    expect(await s.store.getDevice("kitchen")).toBeUndefined();
    expect(s.calls).toEqual([]);
  });

  it.each(["Kitchen", "-x", "", "a".repeat(64), "a_b", "a@b"])("refuses the id %j", async (id) => {
    const s = setup();
    expect(await s.service.provision(ADMIN, { id, model: "m" })).toMatchObject({
      ok: false,
      error: "bad-request",
    });
    expect(await s.store.listDevices()).toEqual([]);
  });

  it("refuses a bad model name", async () => {
    const s = setup();
    expect(await s.service.provision(ADMIN, { id: "k", model: "a b" })).toMatchObject({
      error: "bad-request",
    });
  });

  it("answers conflict for an existing id and changes nothing", async () => {
    const s = setup();
    await s.provision("kitchen");
    const before = await s.store.getDevice("kitchen");
    expect(await s.service.provision(ADMIN, { id: "kitchen", model: "other" })).toMatchObject({
      ok: false,
      error: "conflict",
    });
    expect(await s.store.getDevice("kitchen")).toEqual(before);
    expect(s.calls).toHaveLength(1);
    expect(await s.store.auditOf("kitchen")).toHaveLength(1);
  });

  it("gives different keys to different devices", async () => {
    const s = setup();
    const a = await s.provision("a");
    const b = await s.provision("b");
    expect(new Set([a.claimKey, a.registrationSecret, b.claimKey, b.registrationSecret]).size).toBe(4);
  });
});

describe("register", () => {
  it("moves a provisioned device to registered with its meta and full JID", async () => {
    const s = setup();
    const { registrationSecret } = await s.provision("kitchen");
    s.advance(5000);
    const r = await s.service.register("Kitchen@Example.org/agent", {
      secret: registrationSecret,
      meta: META,
    });
    expect(r).toEqual({ ok: true, value: { deviceId: "kitchen", nodes: nodes("kitchen"), owner: null } });
    expect(await s.store.getDevice("kitchen")).toMatchObject({
      state: "registered",
      meta: META,
      registeredJid: "kitchen@example.org/agent",
      registeredAt: START + 5000,
    });
    expect((await s.store.auditOf("kitchen")).map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ["provision", "ok", "admin@example.org"],
      ["register", "ok", "kitchen@example.org/agent"],
    ]);
  });

  it("is idempotent for the same device, secret and meta", async () => {
    const s = setup();
    const { registrationSecret } = await s.provision("kitchen");
    const first = await s.service.register("kitchen@example.org/agent", {
      secret: registrationSecret,
      meta: META,
    });
    s.advance(1000);
    const again = await s.service.register("kitchen@example.org/agent", {
      secret: registrationSecret,
      meta: META,
    });
    expect(again).toEqual(first);
    expect((await s.store.getDevice("kitchen"))?.registeredAt).toBe(START);
    expect(await s.store.auditOf("kitchen")).toHaveLength(2);
  });

  it("updates the meta when the registered device sends new tags", async () => {
    const s = setup();
    const { registrationSecret } = await s.provision("kitchen");
    await s.service.register("kitchen@example.org/agent", { secret: registrationSecret, meta: META });
    const meta = { ...META, firmware: "1.1.0" };
    value(await s.service.register("kitchen@example.org/agent", { secret: registrationSecret, meta }));
    expect((await s.store.getDevice("kitchen"))?.meta).toEqual(meta);
    expect((await s.store.auditOf("kitchen")).at(-1)?.detail).toBe("meta updated");
  });

  it("answers conflict to another resource or secret once registered", async () => {
    const s = setup();
    const { registrationSecret, claimKey } = await s.provision("kitchen");
    await s.service.register("kitchen@example.org/agent", { secret: registrationSecret, meta: META });
    const other = await s.service.register("kitchen@example.org/clone", {
      secret: registrationSecret,
      meta: META,
    });
    expect(other).toMatchObject({ ok: false, error: "conflict" });
    const wrong = await s.service.register("kitchen@example.org/agent", { secret: claimKey, meta: META });
    expect(wrong).toMatchObject({ ok: false, error: "conflict" });
    expect((await s.store.getDevice("kitchen"))?.registeredJid).toBe("kitchen@example.org/agent");
    expect((await s.store.auditOf("kitchen")).map((e) => e.outcome)).toEqual([
      "ok",
      "ok",
      "conflict",
      "conflict",
    ]);
  });

  it("refuses a wrong or missing secret before registration", async () => {
    const s = setup();
    const { claimKey } = await s.provision("kitchen");
    expect(
      await s.service.register("kitchen@example.org/agent", { secret: claimKey, meta: META }),
    ).toMatchObject({
      error: "not-authorized",
    });
    expect(await s.service.register("kitchen@example.org/agent", { meta: META })).toMatchObject({
      error: "not-authorized",
    });
    expect((await s.store.getDevice("kitchen"))?.state).toBe("provisioned");
  });

  it("answers item-not-found for unknown ids and JIDs that are not devices", async () => {
    const s = setup();
    const { registrationSecret: secret } = await s.provision("kitchen");
    expect(await s.service.register("garage@example.org/agent", { secret, meta: {} })).toMatchObject({
      error: "item-not-found",
    });
    expect(await s.service.register("kitchen@elsewhere.org/agent", { secret, meta: {} })).toMatchObject({
      error: "item-not-found",
    });
    expect(await s.service.register("example.org", { secret, meta: {} })).toMatchObject({
      error: "item-not-found",
    });
  });

  it("refuses meta outside the allow list, naming the tag, and registers nothing", async () => {
    const s = setup();
    const { registrationSecret: secret } = await s.provision("kitchen");
    const r = await s.service.register("kitchen@example.org/agent", {
      secret,
      meta: { ...META, colour: "red" },
    });
    expect(r).toEqual({ ok: false, error: "not-acceptable", detail: "tag not allowed: colour" });
    expect((await s.store.getDevice("kitchen"))?.state).toBe("provisioned");
  });
});

describe("reissueKey", () => {
  it("replaces the claim key of an unowned device; admins only", async () => {
    const s = setup();
    const { claimKey: old } = await s.provision("kitchen");
    expect(await s.service.reissueKey(ALICE, "kitchen")).toMatchObject({ error: "forbidden" });
    const { claimKey } = value(await s.service.reissueKey(ADMIN, "kitchen"));
    expect(claimKey).not.toBe(old);
    expect(await s.service.claim(ALICE, "kitchen", old)).toMatchObject({ error: "not-authorized" });
    value(await s.service.claim(ALICE, "kitchen", claimKey));
    expect(await s.service.reissueKey(ADMIN, "kitchen")).toMatchObject({ error: "conflict" });
    expect(await s.service.reissueKey(ADMIN, "nope")).toMatchObject({ error: "item-not-found" });
  });
});
