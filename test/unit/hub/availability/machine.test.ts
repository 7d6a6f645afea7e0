import { describe, expect, it } from "vitest";
import { type DeviceAvailability, initialAvailability, step } from "../../../../hub/availability/machine";

const S1 = "kitchen@example.org/agent";

function run(events: Parameters<typeof step>[1][], times: number[], start = initialAvailability()) {
  let s: DeviceAvailability = start;
  const published: Array<[string | undefined, number]> = [];
  events.forEach((event, i) => {
    const t = step(s, event, times[i] ?? 0);
    s = t.next;
    if (t.changed) published.push([s.state, s.since]);
  });
  return { s, published };
}

describe("availability state machine", () => {
  it("goes online with presence, stale after silence, online again with a reading, offline when unavailable", () => {
    const { published } = run(
      [
        { type: "available", session: S1 },
        { type: "check", staleAfterMs: 1000 },
        { type: "check", staleAfterMs: 1000 },
        { type: "reading", session: S1 },
        { type: "unavailable", session: S1 },
      ],
      [100, 1099, 1100, 1500, 2000],
    );
    expect(published).toEqual([
      ["online", 100],
      ["stale", 1100],
      ["online", 1500],
      ["offline", 2000],
    ]);
  });

  it("counts silence from the last reading", () => {
    const { published } = run(
      [
        { type: "available", session: S1 },
        { type: "reading", session: S1 },
        { type: "check", staleAfterMs: 1000 },
        { type: "check", staleAfterMs: 1000 },
      ],
      [0, 900, 1800, 1900],
    );
    expect(published).toEqual([
      ["online", 0],
      ["stale", 1900],
    ]);
  });

  it("a failed ping makes the device offline; an offline device never goes stale", () => {
    const { s, published } = run(
      [
        { type: "available", session: S1 },
        { type: "ping-failed", session: S1 },
        { type: "check", staleAfterMs: 10 },
      ],
      [0, 50, 5000],
    );
    expect(published).toEqual([
      ["online", 0],
      ["offline", 50],
    ]);
    expect(s.connected).toBe(false);
  });

  it("news about an older session does not end the current one", () => {
    const { s, published } = run(
      [
        { type: "available", session: `${S1}` },
        { type: "ping-failed", session: "kitchen@example.org/old" },
        { type: "unavailable", session: "kitchen@example.org/old" },
      ],
      [0, 10, 20],
    );
    expect(published).toEqual([["online", 0]]);
    expect(s.session).toBe(S1);
  });

  it("starts from the last published state: the same state is not published again", () => {
    const { published } = run(
      [{ type: "available", session: S1 }],
      [500],
      initialAvailability("online", 100),
    );
    expect(published).toEqual([]);
    const after = run([{ type: "ping-failed", session: S1 }], [500], initialAvailability("online", 100));
    expect(after.published).toEqual([["offline", 500]]);
  });
});
