import { describe, expect, it } from "vitest";
import { ADMIN, ALICE, BOB, CAROL, EVE, setup, value } from "./setup";

/** kitchen provisioned and claimed by Alice; the node calls so far cleared. */
async function owned() {
  const s = setup();
  const { claimKey } = await s.provision("kitchen");
  value(await s.service.claim(ALICE, "kitchen", claimKey));
  s.calls.length = 0;
  return s;
}

const affiliations = (jid: string, affiliation: string) =>
  ["readings", "state", "availability", "meta"].map((leaf) => ({
    op: "affiliate",
    node: `devices/kitchen/${leaf}`,
    jid,
    affiliation,
  }));

describe("grants pushed to the device", () => {
  it("tells of a claim and of a new share, not of a share's level changing", async () => {
    const s = setup();
    const { claimKey } = await s.provision("kitchen");
    value(await s.service.claim(ALICE, "kitchen", claimKey));
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    value(await s.service.share(ALICE, "kitchen", BOB, "control"));
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    value(await s.service.share(ALICE, "kitchen", CAROL, "control"));
    expect(s.granted).toEqual([
      { deviceId: "kitchen", jid: "alice@example.org", level: "owner" },
      { deviceId: "kitchen", jid: "bob@example.org", level: "read" },
      { deviceId: "kitchen", jid: "carol@example.org", level: "control" },
    ]);
  });
});

describe("share and unshare", () => {
  it("shares with read or control, making the JID a member of the nodes", async () => {
    const s = await owned();
    expect(await s.service.share(ALICE, "kitchen", "Bob@Example.org/laptop", "read")).toEqual({
      ok: true,
      value: { device: "kitchen", jid: "bob@example.org", level: "read" },
    });
    expect(s.calls).toEqual(affiliations("bob@example.org", "member"));
    expect(await s.service.canRead("kitchen", BOB)).toBe(true);
    expect(await s.service.canControl("kitchen", BOB)).toBe(false);
    value(await s.service.share(ALICE, "kitchen", BOB, "control"));
    expect(await s.service.canControl("kitchen", BOB)).toBe(true);
    expect(value(await s.service.access("kitchen"))).toEqual({
      deviceId: "kitchen",
      owner: "alice@example.org",
      shares: [{ device: "kitchen", jid: "bob@example.org", level: "control" }],
    });
    expect((await s.store.auditOf("kitchen")).slice(-2).map((e) => e.detail)).toEqual([
      "bob@example.org read",
      "bob@example.org control",
    ]);
  });

  it("sharing the same level again changes nothing", async () => {
    const s = await owned();
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    const audits = (await s.store.auditOf("kitchen")).length;
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    expect((await s.store.auditOf("kitchen")).length).toBe(audits);
  });

  it("lowering control to read emits a revocation of control", async () => {
    const s = await owned();
    value(await s.service.share(ALICE, "kitchen", BOB, "control"));
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    expect(s.revoked).toEqual([{ deviceId: "kitchen", jid: "bob@example.org", left: "read" }]);
  });

  it("only the owner shares, and not with itself or the device", async () => {
    const s = await owned();
    expect(await s.service.share(BOB, "kitchen", CAROL, "read")).toMatchObject({ error: "forbidden" });
    expect(await s.service.share(ADMIN, "kitchen", CAROL, "read")).toMatchObject({ error: "forbidden" });
    expect(await s.service.share(ALICE, "garage", CAROL, "read")).toMatchObject({ error: "item-not-found" });
    expect(await s.service.share(ALICE, "kitchen", ALICE, "read")).toMatchObject({ error: "bad-request" });
    expect(await s.service.share(ALICE, "kitchen", "kitchen@example.org", "read")).toMatchObject({
      error: "bad-request",
    });
    expect(await s.service.share(ALICE, "kitchen", "not a jid@", "read")).toMatchObject({
      error: "jid-malformed",
    });
    expect(await s.service.share(ALICE, "kitchen", CAROL, "admin" as "read")).toMatchObject({
      error: "bad-request",
    });
    expect(value(await s.service.access("kitchen")).shares).toEqual([]);
    expect(s.calls).toEqual([]);
  });

  it("unshare removes access, ends node membership and emits a revocation", async () => {
    const s = await owned();
    value(await s.service.share(ALICE, "kitchen", BOB, "control"));
    s.calls.length = 0;
    expect(await s.service.unshare(CAROL, "kitchen", BOB)).toMatchObject({ error: "forbidden" });
    value(await s.service.unshare(ALICE, "kitchen", "bob@EXAMPLE.org"));
    expect(s.calls).toEqual(affiliations("bob@example.org", "none"));
    expect(s.revoked).toEqual([{ deviceId: "kitchen", jid: "bob@example.org", left: "none" }]);
    expect(await s.service.canRead("kitchen", BOB)).toBe(false);
    expect(await s.service.unshare(ALICE, "kitchen", BOB)).toMatchObject({ error: "item-not-found" });
    expect((await s.store.auditOf("kitchen")).at(-1)).toMatchObject({
      action: "unshare",
      detail: "bob@example.org",
    });
  });
});

describe("disown", () => {
  it("clears the owner and every share, and revokes them all", async () => {
    const s = await owned();
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    value(await s.service.share(ALICE, "kitchen", CAROL, "control"));
    s.calls.length = 0;
    expect(await s.service.disown(BOB, "kitchen")).toMatchObject({ error: "forbidden" });
    value(await s.service.disown(ALICE, "kitchen"));
    expect(await s.store.getDevice("kitchen")).toMatchObject({ owner: null, claimKeyHash: null });
    expect(value(await s.service.access("kitchen")).shares).toEqual([]);
    expect(s.calls).toEqual([
      ...affiliations("alice@example.org", "none"),
      ...affiliations("bob@example.org", "none"),
      ...affiliations("carol@example.org", "none"),
    ]);
    expect(s.revoked.map((e) => e.jid)).toEqual([
      "alice@example.org",
      "bob@example.org",
      "carol@example.org",
    ]);
    for (const jid of [ALICE, BOB, CAROL]) expect(await s.service.canRead("kitchen", jid)).toBe(false);
    expect((await s.store.auditOf("kitchen")).at(-1)).toMatchObject({
      action: "disown",
      detail: "2 shares ended",
    });
    expect(value(await s.service.listOwned(ALICE))).toEqual([]);
  });
});

describe("decisions and listings", () => {
  it("decides read and control by role", async () => {
    const s = await owned();
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    value(await s.service.share(ALICE, "kitchen", CAROL, "control"));
    const table = [];
    for (const jid of [ALICE, BOB, CAROL, ADMIN, "kitchen@example.org/agent", EVE, "not a jid@"]) {
      table.push([
        jid,
        await s.service.roleOf("kitchen", jid),
        await s.service.canRead("kitchen", jid),
        await s.service.canControl("kitchen", jid),
      ]);
    }
    expect(table).toEqual([
      [ALICE, "owner", true, true],
      [BOB, "read", true, false],
      [CAROL, "control", true, true],
      [ADMIN, "admin", true, true],
      ["kitchen@example.org/agent", "device", true, true],
      [EVE, "none", false, false],
      ["not a jid@", "none", false, false],
    ]);
    expect(await s.service.canRead("garage", ADMIN)).toBe(false);
  });

  it("lists what each JID owns or was shared; admins see everything", async () => {
    const s = await owned();
    await s.provision("garage");
    value(await s.service.share(ALICE, "kitchen", BOB, "read"));
    expect(value(await s.service.listDevices(ALICE))).toEqual([
      { id: "kitchen", model: "sim-thermo", state: "provisioned", role: "owner" },
    ]);
    expect(value(await s.service.listDevices(BOB)).map((d) => [d.id, d.role])).toEqual([["kitchen", "read"]]);
    expect(value(await s.service.listDevices(EVE))).toEqual([]);
    expect(value(await s.service.listDevices(ADMIN)).map((d) => [d.id, d.role])).toEqual([
      ["garage", "admin"],
      ["kitchen", "admin"],
    ]);
    expect(value(await s.service.listOwned("ALICE@example.org"))).toEqual(["kitchen"]);
    expect(await s.service.access("nope")).toMatchObject({ error: "item-not-found" });
  });
});
