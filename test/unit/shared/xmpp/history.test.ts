import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import {
  bucketElement,
  makeHistoryAnswer,
  makeHistoryQuery,
  parseCursor,
  parseDateTime,
  parseHistoryAnswer,
  parseHistoryQuery,
  pointElement,
} from "../../../../shared/xmpp/history";

const T = Date.UTC(2026, 11, 1, 10, 0, 0, 250);
describe("history protocol", () => {
  it("round-trips a request", () => {
    const iq = makeHistoryQuery("hub.example.org", "q1", {
      device: "kitchen-1",
      channels: ["temperature", "humidity"],
      from: T,
      to: T + 3_600_000,
      resolution: "1m",
      max: 50,
      after: "temperature/123",
    });
    const query = iq.getChild("query");
    expect(query?.attrs.from).toBe("2026-12-01T10:00:00.250Z");
    const parsed = parseHistoryQuery(query as NonNullable<typeof query>, 0);
    expect(parsed).toEqual({
      ok: true,
      value: {
        device: "kitchen-1",
        channels: ["temperature", "humidity"],
        from: T,
        to: T + 3_600_000,
        resolution: "1m",
        max: 50,
        after: "temperature/123",
      },
    });
  });

  it("names what is wrong in a request", () => {
    const q = () =>
      makeHistoryQuery("hub", "q", {
        device: "d1",
        channels: [],
        from: T,
        to: T + 1,
        resolution: "raw",
      }).getChild("query") as Element;
    const withAttrs = (attrs: Record<string, string | undefined>) => {
      const el = q();
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined) delete el.attrs[k];
        else el.attrs[k] = v;
      }
      return parseHistoryQuery(el, T + 10);
    };
    expect(withAttrs({ device: "Kitchen" })).toEqual({ ok: false, text: "device: expected a device id" });
    expect(withAttrs({ from: "yesterday" })).toMatchObject({
      ok: false,
      text: expect.stringMatching(/^from: expected an XEP-0082/),
    });
    expect(withAttrs({ to: "2026-12-01" })).toMatchObject({
      ok: false,
      text: expect.stringMatching(/^to: /),
    });
    expect(withAttrs({ to: "2026-12-01T09:00:00Z" })).toEqual({
      ok: false,
      text: "to must be later than from",
    });
    expect(withAttrs({ resolution: "5m" })).toMatchObject({
      ok: false,
      text: expect.stringMatching(/^resolution: expected one of raw, 1m, 1h, auto/),
    });
    // `to` defaults to now, `resolution` to auto.
    expect(withAttrs({ to: undefined, resolution: undefined })).toMatchObject({
      ok: true,
      value: { to: T + 10, resolution: "auto" },
    });
    const badChannel = q();
    badChannel.c("channel", { name: "Temp!" });
    expect(parseHistoryQuery(badChannel, T)).toEqual({
      ok: false,
      text: 'channel: "Temp!" is not a channel name',
    });
  });

  it("accepts only XEP-0082 date-times and our own cursors", () => {
    expect(parseDateTime("2026-12-01T10:00:00Z")).toBe(Date.UTC(2026, 11, 1, 10));
    expect(parseDateTime("2026-12-01T11:00:00+01:00")).toBe(Date.UTC(2026, 11, 1, 10));
    expect(parseDateTime("1764583200000")).toBeUndefined();
    expect(parseCursor("temperature/1764583200000")).toEqual({ channel: "temperature", t: 1764583200000 });
    expect(parseCursor("temperature")).toBeUndefined();
    expect(parseCursor("../x/1")).toBeUndefined();
  });

  it("round-trips an answer with numbers, booleans, strings, qualities and buckets", () => {
    const answer = makeHistoryAnswer(
      { device: "d1", resolution: "raw", series: [], next: "relay/5" },
      new Map([
        ["temperature", [pointElement({ t: T, v: 21.5 }), pointElement({ t: T + 1, v: -3, q: "estimate" })]],
        ["relay", [pointElement({ t: T, v: true }), pointElement({ t: T + 5, v: false })]],
        ["mode", [pointElement({ t: T, v: "true" })]],
        ["hourly", [bucketElement({ t: T, n: 3, min: 1, max: 3, mean: 2, first: 1, last: 3 })]],
      ]),
    );
    const parsed = parseHistoryAnswer(answer);
    expect(parsed).toEqual({
      ok: true,
      value: {
        device: "d1",
        resolution: "raw",
        next: "relay/5",
        series: [
          {
            channel: "temperature",
            points: [
              { t: T, v: 21.5 },
              { t: T + 1, v: -3, q: "estimate" },
            ],
            buckets: [],
          },
          {
            channel: "relay",
            points: [
              { t: T, v: true },
              { t: T + 5, v: false },
            ],
            buckets: [],
          },
          { channel: "mode", points: [{ t: T, v: "true" }], buckets: [] },
          {
            channel: "hourly",
            points: [],
            buckets: [{ t: T, n: 3, min: 1, max: 3, mean: 2, first: 1, last: 3 }],
          },
        ],
      },
    });
  });
});
