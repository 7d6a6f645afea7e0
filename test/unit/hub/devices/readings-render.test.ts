/* A stored readings payload in the other encoding, bounded; anything it cannot render goes as
 * stored (undefined). docs/protocol.md, "Readings in JSON". */
import { describe, expect, it } from "vitest";
import { renderReadings } from "../../../../hub/devices/readings-render";
import { makeReadingsPayload, parseReadingsPayload } from "../../../../shared/exi/payload";
import { parseXml } from "../../../helpers/stanza";
import { goodDocument } from "../../shared/readings/malformed";

const T0 = Date.UTC(2026, 0, 2);
const MAX = 240 * 1024;

describe("rendering readings", () => {
  it("writes an EXI4JSON document as JSON and back, the same document", () => {
    const document = goodDocument("dev1", T0);
    const json = renderReadings(makeReadingsPayload(document).toString(), "json", MAX) as string;
    const parsed = parseReadingsPayload(parseXml(json));
    expect(parsed).toEqual({ encoding: "json", document });
    const exi = renderReadings(json, "exi4json", MAX) as string;
    expect(parseReadingsPayload(parseXml(exi))).toEqual({ encoding: "exi4json", document });
  });

  it("leaves as stored what is already in the encoding, too large in it, damaged, or unknown", () => {
    const exi = makeReadingsPayload(goodDocument("dev1", T0)).toString();
    expect(renderReadings(exi, "exi4json", MAX)).toBeUndefined();
    expect(renderReadings(exi, "xml", MAX)).toBeUndefined();
    const json = renderReadings(exi, "json", MAX) as string;
    expect(renderReadings(exi, "json", json.length)).toBe(json);
    expect(renderReadings(exi, "json", json.length - 1)).toBeUndefined();
    expect(
      renderReadings("<readings xmlns='urn:xiot:readings:0' encoding='exi4json'>@@</readings>", "json", MAX),
    ).toBeUndefined();
    expect(renderReadings("<entry xmlns='urn:test'/>", "json", MAX)).toBeUndefined();
    expect(renderReadings("not xml", "json", MAX)).toBeUndefined();
  });
});
