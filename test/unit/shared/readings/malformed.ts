/* One readings payload of every class the hub refuses (docs/design.md §2, shared/readings/validate.ts),
 * with the text the refusal must carry. Shared by the validator's unit tests and the hub's e2e. */
import xml, { type Element } from "@xmpp/xml";
import { encode, toBase64 } from "../../../../shared/exi";
import { makeReadingsPayload } from "../../../../shared/exi/payload";
import type { JsonObject } from "../../../../shared/exi/types";
import { NS_READINGS } from "../../../../shared/xmpp/ns";

export interface MalformedCase {
  name: string;
  payload: Element;
  /** The exact <text/> of the refusal. */
  text: string;
}

/** A valid version 1 document of `dev` at hub time `now`. */
export const goodDocument = (dev: string, now: number, seq = 5): JsonObject => ({
  v: 1,
  dev,
  boot: "3.abc123",
  seq,
  clk: "sync",
  r: [
    { c: "temp", t: now - 1000, v: 21.5 },
    { c: "door", t: now - 500, v: true },
  ],
});

const readings = (encoding: string, text: string): Element =>
  xml("readings", { xmlns: NS_READINGS, encoding }, text);

/** Every malformed class, for device `dev` whose hub clock reads `now`. */
export function malformedCases(dev: string, now: number): MalformedCase[] {
  const good = goodDocument(dev, now);
  const exi = encode(good);
  const reading = (r: object) => ({ ...good, r: [{ c: "temp", t: now, v: 1, ...r }] });
  const json = (doc: object) => makeReadingsPayload(doc as JsonObject, "json");
  return [
    {
      name: "invalid base64",
      payload: readings("exi4json", "gA==*!"),
      text: "bad-base64: payload text is not base64",
    },
    {
      name: "random bytes",
      payload: readings("exi4json", toBase64(Uint8Array.from([0x13, 0x37, 0xfe, 0x01, 0x99, 0x42]))),
      text: "bad-exi: EXI4JSON payload refused (invalid-header)",
    },
    {
      name: "truncated EXI stream",
      payload: readings("exi4json", toBase64(exi.slice(0, Math.floor(exi.length / 2)))),
      text: "bad-exi: EXI4JSON payload refused (truncated)",
    },
    {
      name: "unknown encoding",
      payload: readings("zip", toBase64(exi)),
      text: 'bad-encoding: unknown encoding "zip"',
    },
    {
      name: "JSON with NaN",
      payload: readings("json", JSON.stringify(good).replace("21.5", "NaN")),
      text: "bad-json: payload text is not JSON",
    },
    {
      name: "wrong dev",
      payload: makeReadingsPayload({ ...good, dev: "someone-else" }),
      text: `dev: "someone-else" is not this node's device "${dev}"`,
    },
    {
      name: "bad channel name",
      payload: makeReadingsPayload(reading({ c: "Temp!" })),
      text: "r[0].c: channel must match ^[a-z][a-z0-9_]{0,31}$",
    },
    {
      name: "non-finite value",
      payload: readings("json", JSON.stringify(reading({ v: 1 })).replace('"v":1}', '"v":1e999}')),
      text: "r[0].v: number must be finite",
    },
    {
      name: "over-long string",
      payload: makeReadingsPayload(reading({ v: "x".repeat(1025) })),
      text: "r[0].v: string longer than 1024",
    },
    {
      name: "implausible time (before 2020)",
      payload: makeReadingsPayload(reading({ t: 1000 })),
      text: 'r[0].t: 1000 is before 2020-01-01 (clk "sync"; use "unsync" for an unset clock)',
    },
    {
      name: "implausible time (future)",
      payload: makeReadingsPayload(reading({ t: now + 11 * 60_000 })),
      text: `r[0].t: ${now + 11 * 60_000} is more than 10 minutes ahead of the hub's clock`,
    },
    {
      name: "malformed gap (from after to)",
      payload: json({ ...good, gap: { n: 3, from: 4, to: 2 } }),
      text: "gap: from must not exceed to",
    },
    {
      name: "malformed gap (names this or a later document)",
      payload: json({ ...good, gap: { n: 3, from: 4, to: 5 } }),
      text: "gap: to (5) must name a document before seq 5",
    },
    {
      name: "unknown document version",
      payload: json({ ...good, v: 2 }),
      text: "v: unknown readings document version 2 (known: 1)",
    },
  ];
}
