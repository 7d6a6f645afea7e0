import { describe, expect, it } from "vitest";
import {
  makeAccepted,
  makeFields,
  makeReadoutRequest,
  makeRejected,
  parseFields,
  parseReadoutRequest,
} from "../../../../shared/xmpp/sensordata";
import { parseXml } from "../../../helpers/stanza";

const el = parseXml;

describe("XEP-0323 momentary readout", () => {
  it("parses a request for all fields or named ones, with id or the older seqnr", () => {
    expect(parseReadoutRequest(makeReadoutRequest("7"))).toEqual({
      id: "7",
      idAttr: "id",
      momentary: true,
      fields: [],
    });
    expect(
      parseReadoutRequest(
        el(
          `<req xmlns='urn:xmpp:iot:sensordata' seqnr='3' momentary='true'><field name='a'/><field name='b'/></req>`,
        ),
      ),
    ).toEqual({
      id: "3",
      idAttr: "seqnr",
      momentary: true,
      fields: ["a", "b"],
    });
    expect(
      parseReadoutRequest(el(`<req xmlns='urn:xmpp:iot:sensordata' id='1' historical='true'/>`))?.momentary,
    ).toBe(false);
    expect(parseReadoutRequest(el(`<other xmlns='urn:xmpp:iot:sensordata'/>`))).toBeUndefined();
  });

  it("echoes the id in the attribute the request used", () => {
    const req = { id: "3", idAttr: "seqnr" as const, momentary: true, fields: [] };
    expect(makeAccepted(req).toString()).toBe(`<accepted xmlns="urn:xmpp:iot:sensordata" seqnr="3"/>`);
    expect(makeRejected(req, "no").toString()).toBe(
      `<rejected xmlns="urn:xmpp:iot:sensordata" seqnr="3"><error>no</error></rejected>`,
    );
  });

  it("groups fields by timestamp with types, units and status flags, and reads them back", () => {
    const req = { id: "r", idAttr: "id" as const, momentary: true, fields: [] };
    const t1 = Date.UTC(2026, 0, 1, 0, 0, 1);
    const t0 = Date.UTC(2026, 0, 1);
    const fields = makeFields(req, "dev-1", [
      { name: "temperature", value: 21.5, t: t1, unit: "°C" },
      { name: "relay", value: true, t: t0, unit: "bool" },
      { name: "mode", value: "auto", t: t1, quality: "stale" },
      { name: "co2", value: 400, t: t0, quality: "estimate", unit: "ppm" },
    ]);
    expect(fields.toString()).toBe(
      `<fields xmlns="urn:xmpp:iot:sensordata" id="r" done="true"><node nodeId="dev-1">` +
        `<timestamp value="2026-01-01T00:00:00.000Z"><boolean name="relay" value="true" momentary="true" automaticReadout="true"/>` +
        `<numeric name="co2" value="400" momentary="true" automaticReadout="true" unit="ppm" automaticEstimate="true"/></timestamp>` +
        `<timestamp value="2026-01-01T00:00:01.000Z"><numeric name="temperature" value="21.5" momentary="true" automaticReadout="true" unit="°C"/>` +
        `<string name="mode" value="auto" momentary="true" automaticReadout="true" warning="true"/></timestamp></node></fields>`,
    );
    const back = parseFields(el(fields.toString()));
    expect(back?.done).toBe(true);
    expect(back?.fields).toEqual([
      { name: "relay", value: true, t: t0 },
      { name: "co2", value: 400, t: t0, unit: "ppm" },
      { name: "temperature", value: 21.5, t: t1, unit: "°C" },
      { name: "mode", value: "auto", t: t1 },
    ]);
  });
});
