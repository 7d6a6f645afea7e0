/* The readings validator: every malformed class refused with a text naming what is wrong, and
 * valid documents (both encodings, unsync clocks, gaps) accepted.
 * References: docs/design.md §2 (the readings document version 1), shared/readings/validate.ts. */
import { describe, expect, it } from "vitest";
import { makeReadingsPayload } from "../../../../shared/exi/payload";
import {
  EARLIEST_TIME,
  MAX_FUTURE_MS,
  MAX_TEXT,
  validateReadingsDocument,
  validateReadingsPayload,
} from "../../../../shared/readings/validate";
import { goodDocument, malformedCases } from "./malformed";

const NOW = Date.UTC(2026, 5, 1, 12);
const check = { deviceId: "dev1", now: NOW };

describe("validateReadingsPayload", () => {
  for (const c of malformedCases("dev1", NOW)) {
    it(`refuses ${c.name}`, () => {
      const res = validateReadingsPayload(c.payload, check);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.text).toBe(c.text);
    });
  }

  it("accepts a valid document in EXI4JSON and in JSON, and returns it", () => {
    const doc = goodDocument("dev1", NOW);
    for (const encoding of ["exi4json", "json"] as const) {
      expect(validateReadingsPayload(makeReadingsPayload(doc, encoding), check)).toEqual({
        ok: true,
        value: doc,
      });
    }
  });

  it("gives each class its code", () => {
    const codes = malformedCases("dev1", NOW).map((c) => {
      const res = validateReadingsPayload(c.payload, check);
      return res.ok ? "accepted" : res.error.code;
    });
    expect(codes).toEqual([
      "undecodable",
      "undecodable",
      "undecodable",
      "undecodable",
      "undecodable",
      "wrong-device",
      "invalid-document",
      "invalid-document",
      "invalid-document",
      "implausible-time",
      "implausible-time",
      "invalid-document",
      "invalid-gap",
      "unknown-version",
    ]);
  });
});

describe("validateReadingsDocument: the time policy", () => {
  const at = (t: number, clk: "sync" | "unsync") => ({
    ...goodDocument("dev1", NOW),
    clk,
    r: [{ c: "temp", t, v: 1 }],
  });

  it("accepts synchronised times from 2020-01-01 to 10 minutes ahead of the clock, inclusive", () => {
    expect(validateReadingsDocument(at(EARLIEST_TIME, "sync"), check).ok).toBe(true);
    expect(validateReadingsDocument(at(NOW + MAX_FUTURE_MS, "sync"), check).ok).toBe(true);
    expect(validateReadingsDocument(at(EARLIEST_TIME - 1, "sync"), check).ok).toBe(false);
    expect(validateReadingsDocument(at(NOW + MAX_FUTURE_MS + 1, "sync"), check).ok).toBe(false);
  });

  it('accepts any time when the board says its clock was not set (clk "unsync")', () => {
    expect(validateReadingsDocument(at(1000, "unsync"), check).ok).toBe(true);
    expect(validateReadingsDocument(at(NOW + 365 * 86_400_000, "unsync"), check).ok).toBe(true);
  });

  it("names the offending reading by its index", () => {
    const doc = {
      ...goodDocument("dev1", NOW),
      r: [
        { c: "a", t: NOW, v: 1 },
        { c: "b", t: 5, v: 2 },
      ],
    };
    const res = validateReadingsDocument(doc, check);
    expect(res.ok ? "" : res.error.text).toMatch(/^r\[1\]\.t: 5 is before 2020-01-01/);
  });
});

describe("validateReadingsDocument: gaps", () => {
  const withGap = (gap: object) => ({ ...goodDocument("dev1", NOW, 9), gap });

  it("accepts a gap of earlier documents of this boot, or of another boot with any seqs", () => {
    expect(validateReadingsDocument(withGap({ n: 4, from: 2, to: 8 }), check).ok).toBe(true);
    expect(validateReadingsDocument(withGap({ n: 4, from: 20, to: 40, boot: "2.zzz999" }), check).ok).toBe(
      true,
    );
  });

  it("refuses gap.boot naming the document's own boot, and a gap without readings", () => {
    const own = validateReadingsDocument(withGap({ n: 1, from: 1, to: 1, boot: "3.abc123" }), check);
    expect(own.ok ? "" : own.error.text).toBe("gap: boot is present only for a gap from another boot");
    const empty = validateReadingsDocument(withGap({ n: 0, from: 1, to: 1 }), check);
    expect(empty.ok ? "" : empty.error.text).toBe("gap: n must be a positive integer");
  });
});

describe("refusal texts", () => {
  it("are cut to MAX_TEXT characters", () => {
    const doc = { ...goodDocument("dev1", NOW), [`x${"y".repeat(400)}`]: 1 };
    const res = validateReadingsDocument(doc, check);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.text).toHaveLength(MAX_TEXT);
      expect(res.error.text.startsWith('unknown field "xyyy')).toBe(true);
    }
  });
});
