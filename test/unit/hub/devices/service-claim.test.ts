import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteDeviceStore } from "../../../../hub/devices/sqlite";
import { ALICE, BOB, EVE, setup, value } from "./setup";

const WRONG = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe("claim", () => {
  it("makes the claimant owner, grants node access and erases the key", async () => {
    const s = setup();
    const { claimKey } = await s.provision("kitchen");
    s.calls.length = 0;
    const r = await s.service.claim("Alice@Example.org/phone", "kitchen", claimKey.toLowerCase());
    expect(r).toMatchObject({ ok: true, value: { deviceId: "kitchen", alreadyOwner: false } });
    const stored = await s.store.getDevice("kitchen");
    expect(stored).toMatchObject({ owner: "alice@example.org", claimKeyHash: null });
    expect(s.calls).toEqual(
      ["readings", "state", "availability", "meta"].map((leaf) => ({
        op: "affiliate",
        node: `devices/kitchen/${leaf}`,
        jid: "alice@example.org",
        affiliation: "member",
      })),
    );
    expect((await s.store.auditOf("kitchen")).at(-1)).toMatchObject({
      actor: "alice@example.org",
      action: "claim",
      outcome: "ok",
    });
  });

  it("a used key fails for anyone else; the owner claiming again changes nothing", async () => {
    const s = setup();
    const { claimKey } = await s.provision("kitchen");
    value(await s.service.claim(ALICE, "kitchen", claimKey));
    expect(await s.service.claim(BOB, "kitchen", claimKey)).toMatchObject({
      ok: false,
      error: "not-authorized",
    });
    expect(await s.service.claim(ALICE, "kitchen", "anything")).toMatchObject({
      ok: true,
      value: { alreadyOwner: true },
    });
    expect((await s.store.getDevice("kitchen"))?.owner).toBe("alice@example.org");
  });

  it("refuses a wrong key, an unknown device, a bad id and an oversized key", async () => {
    const s = setup();
    await s.provision("kitchen");
    expect(await s.service.claim(EVE, "kitchen", WRONG)).toEqual({
      ok: false,
      error: "not-authorized",
      detail: "kitchen",
    });
    expect(await s.service.claim(EVE, "garage", WRONG)).toMatchObject({ error: "item-not-found" });
    expect(await s.service.claim(EVE, "Bad Id", WRONG)).toMatchObject({ error: "bad-request" });
    expect(await s.service.claim(EVE, "kitchen", "K".repeat(200))).toMatchObject({ error: "bad-request" });
    expect((await s.store.getDevice("kitchen"))?.owner).toBeNull();
    expect((await s.store.getAttempts("claimant:eve@example.org"))?.failures).toBe(3);
    expect((await s.store.auditOf("kitchen")).at(-1)).toMatchObject({
      outcome: "not-authorized",
      detail: "wrong key",
    });
  });

  it("locks a device out after five failures, without comparing keys, until the lock expires", async () => {
    const s = setup();
    const { claimKey } = await s.provision("kitchen");
    for (let i = 0; i < 5; i++) await s.service.claim(`guesser${i}@example.org`, "kitchen", WRONG);
    const locked = await s.service.claim(ALICE, "kitchen", claimKey);
    expect(locked).toEqual({ ok: false, error: "locked-out", retryAt: s.now() + 1000 });
    expect(s.service.keyComparisons()).toBe(5);
    s.advance(1000);
    value(await s.service.claim(ALICE, "kitchen", claimKey));
    expect(await s.store.getAttempts("device:kitchen")).toBeUndefined();
  });

  it("1,000 wrong guesses against one device: only five keys are compared", async () => {
    const s = setup();
    const { claimKey } = await s.provision("kitchen");
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const r = await s.service.claim(`bot${i}@example.org`, "kitchen", WRONG);
      const key = r.ok ? "ok" : r.error;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ "not-authorized": 5, "locked-out": 995 });
    expect(s.service.keyComparisons()).toBe(5);
    // After the lock expires the owner-to-be still gets in.
    s.advance(1000);
    value(await s.service.claim(ALICE, "kitchen", claimKey));
  });

  it("a guesser who waits out every lock gets few guesses a day", async () => {
    const s = setup();
    await s.provision("kitchen");
    const end = s.now() + 24 * 3_600_000;
    while (s.now() < end) {
      const r = await s.service.claim(EVE, "kitchen", WRONG);
      if (!r.ok && r.error === "locked-out") s.advance((r.retryAt as number) - s.now());
    }
    // 5 free, 12 doublings up to an hour, then one per hour.
    expect(s.service.keyComparisons()).toBeLessThan(45);
    expect(s.service.keyComparisons()).toBeGreaterThan(20);
  });

  it("one guess against each of 1,000 devices is stopped by the claimant's counter", async () => {
    const s = setup();
    const ids = Array.from({ length: 1000 }, (_, i) => `d${i}`);
    for (const id of ids) await s.provision(id);
    let lockedOut = 0;
    for (const id of ids) {
      const r = await s.service.claim(EVE, id, WRONG);
      if (!r.ok && r.error === "locked-out") lockedOut++;
    }
    expect(s.service.keyComparisons()).toBe(5);
    expect(lockedOut).toBe(995);
    // Another claimant is not affected.
    expect(await s.service.claim(BOB, "d999", WRONG)).toMatchObject({ error: "not-authorized" });
  });

  it("keeps lockouts across a restart of the hub (SQLite store reopened)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "xiot-claim-"));
    const path = join(dir, "devices.sqlite");
    try {
      const first = setup({ store: openSqliteDeviceStore({ path }) });
      const { claimKey } = await first.provision("kitchen");
      for (let i = 0; i < 6; i++) {
        first.advance(1);
        await first.service.claim(EVE, "kitchen", WRONG);
      }
      await first.store.close();
      const second = setup({ store: openSqliteDeviceStore({ path }), start: first.now() });
      expect(await second.service.claim(ALICE, "kitchen", claimKey)).toMatchObject({ error: "locked-out" });
      expect(second.service.keyComparisons()).toBe(0);
      second.advance(2000);
      value(await second.service.claim(ALICE, "kitchen", claimKey));
      expect((await second.store.getDevice("kitchen"))?.owner).toBe("alice@example.org");
      await second.store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("parallel guesses are counted one by one", async () => {
    const s = setup();
    await s.provision("kitchen");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => s.service.claim(`p${i}@example.org`, "kitchen", WRONG)),
    );
    expect(results.filter((r) => !r.ok && r.error === "not-authorized")).toHaveLength(5);
    expect(s.service.keyComparisons()).toBe(5);
  });
});

describe("mine (key only)", () => {
  it("claims the device the key belongs to", async () => {
    const s = setup();
    await s.provision("garage");
    const { claimKey } = await s.provision("kitchen");
    expect(await s.service.mine(ALICE, claimKey)).toMatchObject({ ok: true, value: { deviceId: "kitchen" } });
    expect((await s.store.getDevice("kitchen"))?.owner).toBe("alice@example.org");
    expect(await s.service.mine(BOB, claimKey)).toMatchObject({ error: "not-authorized" });
  });

  it("locks out a claimant guessing keys", async () => {
    const s = setup();
    await s.provision("kitchen");
    for (let i = 0; i < 5; i++)
      expect(await s.service.mine(EVE, WRONG)).toMatchObject({ error: "not-authorized" });
    expect(await s.service.mine(EVE, WRONG)).toMatchObject({ error: "locked-out" });
    expect(s.service.keyComparisons()).toBe(5);
  });
});
