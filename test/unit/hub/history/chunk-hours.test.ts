import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { publicBucket } from "../../../../hub/history/buckets";
import { decodeHours, encodeHours } from "../../../../hub/history/chunk-hours";
import { bucketsOf } from "../../../../hub/history/chunk-rollup";
import { openChunkedHistory } from "../../../../hub/history/sqlite-chunks";
import { DEFAULT_RETENTION, HOUR, type RawPoint } from "../../../../hub/history/types";

const T0 = Date.UTC(2026, 10, 1);
const ALL = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;

/** Seeded noisy decimals with gaps, negative values and irregular times within [T0, T0 + 6 h). */
function noisy(seed: number, scale: number): RawPoint[] {
  let x = seed;
  const rand = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const points: RawPoint[] = [];
  for (let t = T0 + Math.floor(rand() * 1000); t < T0 + 6 * HOUR; t += 1 + Math.floor(rand() * 90_000)) {
    if (rand() < 0.002) t += HOUR; // a gap of an hour or more
    if (t >= T0 + 6 * HOUR) break;
    points.push({ t, v: Math.round((rand() - 0.6) * 10 ** (4 + scale)) / 10 ** scale });
  }
  return points;
}

/** The hour buckets the readings give, as every engine computes them. */
const expected = (points: RawPoint[], from: number, to: number) =>
  bucketsOf(points, HOUR, from, to).map(publicBucket);

function expectSame(got: ReturnType<typeof decodeHours>, want: ReturnType<typeof expected>): void {
  expect(got.map((b) => ({ ...b, mean: undefined }))).toEqual(want.map((b) => ({ ...b, mean: undefined })));
  for (const [i, b] of got.entries()) expect(b.mean).toBeCloseTo(want[i]?.mean as number, 9);
}

describe("chunk hour buckets", () => {
  it("give the buckets of the readings, for any decimal scale, with gaps and negative values", () => {
    for (const scale of [0, 1, 2, 3, 6])
      for (const seed of [1, 2, 3]) {
        const points = noisy(seed * 7 + scale, scale);
        const bytes = encodeHours(points);
        expect(bytes).not.toBeNull();
        expectSame(decodeHours(bytes as Uint8Array, ...ALL), expected(points, ...ALL));
      }
  });

  it("keep only the hours that start in the range asked", () => {
    const points = noisy(5, 2);
    const bytes = encodeHours(points) as Uint8Array;
    const from = T0 + 2 * HOUR;
    const to = T0 + 4 * HOUR;
    const got = decodeHours(bytes, from, to);
    expect(got.map((b) => b.t)).toEqual([from, from + HOUR]);
    expectSame(got, expected(points, from, to));
    expect(decodeHours(bytes, T0 + 30 * 60_000, T0 + HOUR)).toEqual([]);
  });

  it("cost about 11 bytes an hour for a reading a minute", () => {
    const points = Array.from({ length: 360 }, (_, i) => ({
      t: T0 + i * 60_000,
      v: Math.round(2000 + 300 * Math.sin(i / 40) + ((i * 7919) % 50)) / 100,
    }));
    expect((encodeHours(points) as Uint8Array).length).toBeLessThanOrEqual(6 * 12 + 4);
  });

  it("are not kept for floats, -0, booleans, strings, mixed kinds, or sums past the safe integers", () => {
    expect(encodeHours([{ t: T0, v: 0.1 + 0.2 }])).toBeNull();
    expect(
      encodeHours([
        { t: T0, v: 1.5 },
        { t: T0 + 1, v: -0 },
      ]),
    ).toBeNull();
    expect(encodeHours([{ t: T0, v: true }])).toBeNull();
    expect(encodeHours([{ t: T0, v: "on" }])).toBeNull();
    expect(
      encodeHours([
        { t: T0, v: 1 },
        { t: T0 + 1, v: "on" },
      ]),
    ).toBeNull();
    expect(
      encodeHours([
        { t: T0, v: 2 ** 49 },
        { t: T0 + 1, v: 2 ** 49 },
        { t: T0 + 2, v: 2 ** 49 },
        { t: T0 + 3, v: 2 ** 49 },
        { t: T0 + 4, v: 2 ** 49 },
        { t: T0 + 5, v: 2 ** 49 },
        { t: T0 + 6, v: 2 ** 49 },
        { t: T0 + 7, v: 2 ** 49 },
        { t: T0 + 8, v: 2 ** 49 },
        { t: T0 + 9, v: 2 ** 49 },
        { t: T0 + 10, v: 2 ** 49 },
        { t: T0 + 11, v: 2 ** 49 },
        { t: T0 + 12, v: 2 ** 49 },
        { t: T0 + 13, v: 2 ** 49 },
        { t: T0 + 14, v: 2 ** 49 },
        { t: T0 + 15, v: 2 ** 49 },
        { t: T0 + 16, v: 2 ** 49 },
      ]),
    ).toBeNull();
    expect(encodeHours([])).toBeNull();
  });
});

describe("chunks sealed before hour buckets were kept", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("are migrated, answer from their readings, and gain hour buckets when next written", () => {
    dir = mkdtempSync(join(tmpdir(), "xiot-chunk-hours-"));
    const file = join(dir, "pubsub.db");
    const now = T0 + 3 * 24 * HOUR;
    const readings = noisy(9, 2).map((p) => ({ c: "t", t: p.t, v: p.v }));
    const query = { device: "d", channel: "t", from: T0, to: now, tier: "1h" as const, limit: 1000 };
    let db = new Database(file);
    let store = openChunkedHistory(db, DEFAULT_RETENTION);
    store.add("d", readings, now);
    store.seal(now, Number.POSITIVE_INFINITY);
    const want = store.query(query);
    // The tables as version 1 left them: no hours column.
    db.exec(`ALTER TABLE history_chunk DROP COLUMN hours; DROP TABLE history_chunk_frag;
      CREATE TABLE history_chunk_head (series INTEGER NOT NULL, t INTEGER NOT NULL, v NOT NULL,
        k INTEGER, q TEXT, PRIMARY KEY (series, t)) WITHOUT ROWID;
      UPDATE history_chunk_schema SET version = 1`);
    db.close();

    db = new Database(file);
    store = openChunkedHistory(db, DEFAULT_RETENTION);
    const hours = () => db.prepare("SELECT hours FROM history_chunk").pluck().all();
    expect(hours()).toEqual([null]);
    const old = store.query(query);
    if (old.tier === "raw" || want.tier === "raw") throw new Error("1h pages");
    expectSame(old.buckets, want.buckets);
    // A late reading rewrites the chunk, now with its hour buckets.
    store.add("d", [{ c: "t", t: T0 + 5 * HOUR + 1, v: 99999.5 }], now);
    expect(hours()[0]).toBeInstanceOf(Uint8Array);
    const after = store.query(query);
    expect(after.tier === "1h" && after.buckets.find((b) => b.t === T0 + 5 * HOUR)?.max).toBe(99999.5);
    db.close();
  });
});
