import core from "@xmpp/component-core";
import type { Element } from "@xmpp/xml";
import { describe, expect, it, vi } from "vitest";
import {
  type HardenableEntity,
  harden,
  type StreamCondition,
  XmlGuard,
} from "../../../../shared/xmpp/harden";

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' " +
  "xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='hub.localhost'>";
const GOOD =
  `${HEADER}<handshake/>\n <message to='hub.localhost' from='a@localhost/r' id='m1'>` +
  `<body a='1' b="&lt;&#x41;&#66;&quot;">x &amp; y &gt; z é€😀<![CDATA[ <not> ]] ]]></body></message>` +
  "<iq type='get' id='i1'><ping xmlns='urn:xmpp:ping'/></iq ></stream:stream>";

/** Everything RFC 6120 §11 refuses that ltx lets through, with the condition it must cause. */
const BAD: [string, string, StreamCondition][] = [
  ["a DOCTYPE", "<!DOCTYPE stream [<!ENTITY x 'y'>]>", "restricted-xml"],
  ["a comment", "<message><!-- hello --></message>", "restricted-xml"],
  ["a processing instruction", "<message><?php echo 1 ?></message>", "restricted-xml"],
  ["a second XML declaration", "<?xml version='1.0'?>", "restricted-xml"],
  ["a duplicate attribute", "<message to='hub.localhost' to='evil.localhost'/>", "not-well-formed"],
  ["an entity reference", "<message><body>&xxe;</body></message>", "restricted-xml"],
  ["a forbidden character reference", "<message><body>&#0;</body></message>", "not-well-formed"],
  ["a raw control character", "<message><body>\u0001</body></message>", "not-well-formed"],
  ["an attribute without a value", "<message to/>", "not-well-formed"],
  ["an unquoted attribute", "<message to=hub/>", "not-well-formed"],
  ["attributes run together", "<message a='1'b='2'/>", "not-well-formed"],
  ["'<' in an attribute value", "<message a='<'/>", "not-well-formed"],
  ["a bare ampersand", "<message><body>a & b</body></message>", "not-well-formed"],
];

/** Scans `text` cut in two at `cut`, as two TCP reads would deliver it. */
function scanSplit(text: string, cut: number) {
  const guard = new XmlGuard();
  return guard.scan(text.slice(0, cut)) ?? guard.scan(text.slice(cut));
}

describe("XmlGuard (restricted XML, RFC 6120 §11)", () => {
  it("accepts a stream of stanzas with CDATA, predefined and character references, at every cut", () => {
    for (let cut = 0; cut <= GOOD.length; cut++)
      expect(scanSplit(GOOD, cut), `cut at ${cut}`).toBeUndefined();
  });

  it.each(BAD)("refuses %s with its condition, wherever the reads are cut", (_what, bad, condition) => {
    const text = HEADER + bad;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(scanSplit(text, cut), `cut at ${cut}`).toMatchObject({ condition });
    }
  });

  it("points at the offending character, and accepts nothing after it", () => {
    const guard = new XmlGuard();
    const text = `${HEADER}<message/><!DOCTYPE x>`;
    expect(guard.scan(text)).toMatchObject({ condition: "restricted-xml", offset: text.indexOf("<!D") + 2 });
    expect(guard.scan("<message/>")).toMatchObject({ condition: "not-well-formed" });
  });

  it("refuses an XML declaration naming another encoding (§11.6), allows one again after restart()", () => {
    const guard = new XmlGuard();
    expect(guard.scan(HEADER)).toBeUndefined();
    guard.restart();
    expect(guard.scan(HEADER)).toBeUndefined();
    guard.restart();
    expect(guard.scan("<?xml version='1.0' encoding='ISO-8859-1'?>")).toMatchObject({
      condition: "unsupported-encoding",
    });
  });
});

/** A real @xmpp/component-core entity, hardened, with its stream open and no socket. */
function hardenedComponent() {
  const entity = new core.Component({ service: "xmpp://127.0.0.1:1", domain: "hub.localhost" });
  const raw = entity as unknown as HardenableEntity & { Parser: new () => object; root: unknown };
  const streamError = vi.fn(async (_condition: string) => undefined);
  raw._streamError = streamError;
  harden(raw);
  const elements: Element[] = [];
  const errors: (Error & { condition?: string })[] = [];
  entity.on("element", (el: Element) => elements.push(el));
  entity.on("error", (error: Error) => errors.push(error));
  raw._attachParser(new raw.Parser());
  const feed = (data: Buffer | string) => raw._onData(typeof data === "string" ? Buffer.from(data) : data);
  feed(HEADER);
  return { entity: raw, streamError, elements, errors, feed };
}

describe("harden() on the component's ltx parser", () => {
  it.each(BAD)("turns %s into a stream error, and reads nothing more", (_what, bad, condition) => {
    const c = hardenedComponent();
    c.feed(`<message id='before'/>${bad}`);
    c.feed("<message id='after'/>");
    expect(c.streamError).toHaveBeenCalledExactlyOnceWith(condition);
    expect(c.errors).toMatchObject([{ name: "StreamError", condition }]);
    expect(c.entity.parser).toBeNull();
    expect(c.elements.map((e) => e.attrs.id)).toEqual(["before"]);
  });

  it("turns invalid UTF-8 into unsupported-encoding (ltx made it U+FFFD)", () => {
    const c = hardenedComponent();
    c.feed(
      Buffer.concat([Buffer.from("<message><body>"), Buffer.from([0xc3, 0x28]), Buffer.from("</body>")]),
    );
    expect(c.streamError).toHaveBeenCalledExactlyOnceWith("unsupported-encoding");
    expect(c.errors).toMatchObject([{ condition: "unsupported-encoding" }]);
    expect(c.elements).toEqual([]);
  });

  it("keeps a character whose UTF-8 bytes are split between two reads", () => {
    const c = hardenedComponent();
    const bytes = Buffer.from("<message id='m'><body>€😀</body></message>");
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of '€'
    c.feed(bytes.subarray(0, cut));
    c.feed(bytes.subarray(cut));
    expect(c.streamError).not.toHaveBeenCalled();
    expect(c.elements[0]?.getChildText("body")).toBe("€😀");
  });

  it("leaves what the parser itself refuses (a mismatched end tag) to the library's bad-format", () => {
    const c = hardenedComponent();
    c.feed("<message><body></message>");
    expect(c.streamError).toHaveBeenCalledExactlyOnceWith("bad-format");
    expect(c.errors).toHaveLength(1);
    expect(c.entity.parser).toBeNull();
  });
});
