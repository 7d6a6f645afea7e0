import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../../../shared/exi/base64";
import { encode, type JsonObject } from "../../../../shared/exi/index";
import {
  makeReadingsPayload,
  parseReadingsPayload,
  ReadingsPayloadError,
} from "../../../../shared/exi/payload";
import { NS_READINGS } from "../../../../shared/xmpp/ns";

const doc: JsonObject = {
  v: 1,
  dev: "pi-kitchen",
  boot: "7-x3f",
  seq: 42,
  clk: "sync",
  r: [
    { c: "temperature", t: 1732200000123, v: 21.5 },
    { c: "relay", t: 1732200000124, v: true, q: "estimate" },
  ],
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ReadingsPayloadError) return err.code;
    throw err;
  }
  throw new Error("expected a ReadingsPayloadError");
}

describe("base64", () => {
  it("matches Node's encoder for every length and round-trips", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(fromBase64(text)).toEqual(bytes);
    }
  });

  it("decodes a payload-sized text as Node does", () => {
    const bytes = Uint8Array.from({ length: 30_001 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff);
    const text = Buffer.from(bytes).toString("base64");
    expect(fromBase64(text)).toEqual(bytes);
    expect(fromBase64(text.replace(/(.{76})/g, "$1\n"))).toEqual(bytes);
  });

  it("ignores XML whitespace and refuses what is not base64", () => {
    expect(fromBase64(" gE\nCg\tAA== ")).toEqual(new Uint8Array([0x80, 0x40, 0xa0, 0x00]));
    for (const bad of [
      "abc",
      "ab=c",
      "a===",
      "ab*d",
      "abé=",
      "=AAA",
      "AB==",
      "ABD=",
      "AAAA\u4e00AAA",
      "AA=AAAAA",
    ]) {
      expect(fromBase64(bad)).toBeUndefined();
    }
  });
});

describe("readings payload", () => {
  it("builds the exi4json element and parses it back", () => {
    const el = makeReadingsPayload(doc);
    expect(el.name).toBe("readings");
    expect(el.attrs).toEqual({ xmlns: NS_READINGS, encoding: "exi4json" });
    expect(el.getText()).toBe(toBase64(encode(doc)));
    expect(parseReadingsPayload(el)).toEqual({ encoding: "exi4json", document: doc });
  });

  it("builds the json twin with the same document", () => {
    const el = makeReadingsPayload(doc, "json");
    expect(el.toString()).toBe(
      `<readings xmlns="${NS_READINGS}" encoding="json">${JSON.stringify(doc)}</readings>`,
    );
    expect(parseReadingsPayload(el)).toEqual({ encoding: "json", document: doc });
  });

  it("refuses non-finite numbers in either encoding", () => {
    expect(() => makeReadingsPayload({ v: Number.NaN }, "json")).toThrow(/non-finite/);
    expect(() => makeReadingsPayload({ v: Number.POSITIVE_INFINITY })).toThrow(/non-finite/);
  });

  it("gives typed errors for malformed payloads", () => {
    const ns = NS_READINGS;
    expect(codeOf(() => parseReadingsPayload(xml("readings", { xmlns: "urn:other" }, "")))).toBe(
      "not-readings",
    );
    expect(codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns, encoding: "cbor" }, "")))).toBe(
      "bad-encoding",
    );
    expect(codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns }, "")))).toBe("bad-encoding");
    expect(
      codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns, encoding: "exi4json" }, "**"))),
    ).toBe("bad-base64");
    expect(
      codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns, encoding: "exi4json" }, "gEA="))),
    ).toBe("bad-exi");
    expect(codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns, encoding: "json" }, "{")))).toBe(
      "bad-json",
    );
    expect(codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns, encoding: "json" }, "[1]")))).toBe(
      "not-an-object",
    );
    const exiArray = toBase64(encode([1]));
    expect(
      codeOf(() => parseReadingsPayload(xml("readings", { xmlns: ns, encoding: "exi4json" }, exiArray))),
    ).toBe("not-an-object");
  });
});
