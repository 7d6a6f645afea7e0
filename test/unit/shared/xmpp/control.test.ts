import { describe, expect, it } from "vitest";
import {
  makeCommandMeta,
  makeControlSet,
  makeSetResponse,
  parseCommandMeta,
  parseControlSet,
} from "../../../../shared/xmpp/control";
import { parseXml } from "../../../helpers/stanza";

const el = parseXml;

describe("XEP-0325 set parsing", () => {
  it("reads boolean, int, long, double and string parameters", () => {
    const set = el(
      `<set xmlns='urn:xmpp:iot:control'><boolean name='relay' value='1'/><int name='a' value='-7'/><long name='b' value='9007199254740990'/><double name='c' value='2.5e1'/><string name='d' value='hi'/></set>`,
    );
    expect(parseControlSet(set)).toEqual({
      ok: true,
      value: [
        { name: "relay", type: "boolean", value: true },
        { name: "a", type: "int", value: -7 },
        { name: "b", type: "long", value: 9007199254740990 },
        { name: "c", type: "double", value: 25 },
        { name: "d", type: "string", value: "hi" },
      ],
    });
  });

  it("names the parameter of a bad value, an out-of-range int and an unsupported type", () => {
    expect(
      parseControlSet(el(`<set xmlns='urn:xmpp:iot:control'><boolean name='x' value='maybe'/></set>`)),
    ).toEqual({
      ok: false,
      error: { field: "x", message: '"maybe" is not a valid boolean' },
    });
    const big = parseControlSet(
      el(`<set xmlns='urn:xmpp:iot:control'><int name='n' value='3000000000'/></set>`),
    );
    expect(big.ok ? undefined : big.error.field).toBe("n");
    const color = parseControlSet(
      el(`<set xmlns='urn:xmpp:iot:control'><color name='led' value='FF0000'/></set>`),
    );
    expect(color).toEqual({
      ok: false,
      error: { field: "led", message: "color parameters are not supported" },
    });
    expect(parseControlSet(el(`<set xmlns='urn:xmpp:iot:control'/>`)).ok).toBe(false);
  });

  it("round-trips a set with command metadata, which is not taken for a parameter", () => {
    const issued = Date.UTC(2026, 0, 2, 3, 4, 5, 600);
    const set = makeControlSet([{ name: "relay", type: "boolean", value: false }], {
      id: "c1",
      issued,
      ttl: 30000,
      seq: 4,
    });
    expect(set.toString()).toBe(
      `<set xmlns="urn:xmpp:iot:control"><boolean name="relay" value="false"/><cmd xmlns="urn:xiot:command:0" id="c1" issued="2026-01-02T03:04:05.600Z" ttl="30000" seq="4"/></set>`,
    );
    const reparsed = el(set.toString());
    expect(parseControlSet(reparsed)).toEqual({
      ok: true,
      value: [{ name: "relay", type: "boolean", value: false }],
    });
    expect(parseCommandMeta(reparsed)).toEqual({ ok: true, value: { id: "c1", issued, ttl: 30000, seq: 4 } });
  });

  it("refuses malformed command metadata and ignores its absence", () => {
    const cmd = (attrs: string) =>
      parseCommandMeta(
        el(`<set xmlns='urn:xmpp:iot:control'><cmd xmlns='urn:xiot:command:0' ${attrs}/></set>`),
      );
    expect(cmd("issued='2026-01-01T00:00:00Z' ttl='5'")?.ok).toBe(false);
    expect(cmd("id='a' issued='yesterday' ttl='5'")?.ok).toBe(false);
    expect(cmd("id='a' issued='2026-01-01T00:00:00Z' ttl='-1'")?.ok).toBe(false);
    expect(cmd("id='a' issued='2026-01-01T00:00:00Z' ttl='5' seq='x'")?.ok).toBe(false);
    expect(parseCommandMeta(el(`<set xmlns='urn:xmpp:iot:control'/>`))).toBeUndefined();
    expect(makeCommandMeta({ id: "z", issued: 0, ttl: 1 }).attrs.seq).toBeUndefined();
  });

  it("builds the response (errors naming the parameter: errors.test.ts)", () => {
    expect(makeSetResponse().toString()).toBe(`<setResponse xmlns="urn:xmpp:iot:control"/>`);
  });
});
