/* XEP-0323 historical readouts on the wire: what a request asks (nodes, periods, range), fields
 * with historical types, messages split by bytes with `done` on the last, and the failure. */
import { describe, expect, it } from "vitest";
import { elementBytes } from "../../../../shared/xmpp/budget";
import {
  makeFailure,
  makeFields,
  makeFieldsMessages,
  parseHistoricalAsk,
  type SensorField,
} from "../../../../shared/xmpp/sensordata";
import { parseXml as el } from "../../../helpers/stanza";

const REQ = { id: "7", idAttr: "seqnr" as const };
const T0 = Date.UTC(2026, 11, 1);

describe("historical sensor data", () => {
  it("reads the nodes, the periods and the range a request asks for", () => {
    expect(
      parseHistoricalAsk(
        el(
          `<req xmlns='urn:xmpp:iot:sensordata' seqnr='7' historicalMinute='true' historicalDay='1' from='2026-12-01T00:00:00Z' to='2026-12-02T00:00:00Z'><node nodeId='kitchen-1'/><node nodeId='kitchen-1'/><node nodeId='hall'/></req>`,
        ),
      ),
    ).toEqual({
      historical: true,
      periods: ["historicalMinute", "historicalDay"],
      nodes: ["kitchen-1", "hall"],
      from: T0,
      to: T0 + 86_400_000,
    });
    expect(parseHistoricalAsk(el(`<req xmlns='urn:xmpp:iot:sensordata' id='1' all='true'/>`))).toMatchObject({
      historical: true,
      periods: [],
    });
    expect(
      parseHistoricalAsk(el(`<req xmlns='urn:xmpp:iot:sensordata' id='1' momentary='true'/>`)).historical,
    ).toBe(false);
    expect(
      parseHistoricalAsk(el(`<req xmlns='urn:xmpp:iot:sensordata' id='1' historical='true' to='noon'/>`))
        .problem,
    ).toBe("to is not an XEP-0082 date-time");
  });

  it("marks fields with their types, momentary when none are given", () => {
    const fields = makeFields(REQ, "d", [
      { name: "t", value: 1.5, t: T0, unit: "°C", types: ["historicalMinute", "computed"] },
      { name: "t", value: 2, t: T0 + 1, quality: "estimate" },
    ]);
    expect(fields.toString()).toBe(
      `<fields xmlns="urn:xmpp:iot:sensordata" seqnr="7" done="true"><node nodeId="d">` +
        `<timestamp value="2026-12-01T00:00:00.000Z"><numeric name="t" value="1.5" historicalMinute="true" computed="true" automaticReadout="true" unit="°C"/></timestamp>` +
        `<timestamp value="2026-12-01T00:00:00.001Z"><numeric name="t" value="2" momentary="true" automaticReadout="true" automaticEstimate="true"/></timestamp>` +
        `</node></fields>`,
    );
  });

  it("splits by bytes, never inside a timestamp, with done on the last message only", () => {
    const fields: SensorField[] = Array.from({ length: 200 }, (_, i) => ({
      name: i % 2 ? "humidity" : "temperature",
      value: i,
      t: T0 + Math.floor(i / 2) * 1000,
      types: ["historicalOther"],
    }));
    const messages = makeFieldsMessages(REQ, "d", fields, 2000);
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) expect(elementBytes(m)).toBeLessThanOrEqual(2000);
    expect(messages.map((m) => m.attrs.done)).toEqual([
      ...Array(messages.length - 1).fill(undefined),
      "true",
    ]);
    const stamps = messages.flatMap((m) => m.getChild("node")?.getChildren("timestamp") ?? []);
    expect(stamps).toHaveLength(100);
    expect(stamps.every((s) => s.getChildElements().length === 2)).toBe(true);
    expect(makeFieldsMessages(REQ, "d", fields, 2000, false).some((m) => m.attrs.done)).toBe(false);
    expect(makeFieldsMessages(REQ, "d", [], 2000).map(String)).toEqual([
      `<fields xmlns="urn:xmpp:iot:sensordata" seqnr="7" done="true"><node nodeId="d"/></fields>`,
    ]);
    expect(makeFailure(REQ, "d", T0, "too much").toString()).toBe(
      `<failure xmlns="urn:xmpp:iot:sensordata" seqnr="7" done="true"><error nodeId="d" timestamp="2026-12-01T00:00:00.000Z">too much</error></failure>`,
    );
  });
});
