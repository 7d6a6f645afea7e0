/* A streaming restricted-XML guard: every byte a peer sends is checked before the ltx parser
 * sees it, with state kept across chunk boundaries, because ltx silently skips `<!DOCTYPE …>` up
 * to a `-->` that never comes, drops comments and processing instructions and keeps the last of
 * two equal attributes. harden.ts turns a violation into a stream error.
 * References: RFC 6120 §11.1 (restricted XML: no comments, PIs, DTDs, entity references other
 * than the predefined), §11.5 (the XML declaration), §11.6 (UTF-8 only), §4.9.3.12
 * (not-well-formed), §4.9.3.18 (restricted-xml), §4.9.3.22 (unsupported-encoding); XML 1.0 §2.2
 * (Char), §3.1 (WFC: Unique Att Spec), §4.6 (predefined entities). No node: imports: the
 * dashboard bundles this file. */

export type StreamCondition = "not-well-formed" | "restricted-xml" | "unsupported-encoding";

/** What the guard found, and where in the text it was given. */
export interface Violation {
  condition: StreamCondition;
  reason: string;
  /** Index in the scanned text of the first character that is not accepted. */
  offset: number;
}

/** A stream error this side detected and sent; Link logs it as `<condition> (<reason>)`. */
export class StreamViolation extends Error {
  override readonly name = "StreamError";
  constructor(
    readonly condition: StreamCondition,
    reason: string,
  ) {
    super(reason);
  }
}

// Scanner states.
const TEXT = 0;
const LT = 1; // after '<'
const BANG = 2; // after '<!': CDATA or refused
const PI = 3; // after '<?': the target name
const DECL = 4; // inside the XML declaration
const CDATA = 5;
const TAG_NAME = 6;
const IN_TAG = 7;
const ATTR_NAME = 8;
const AFTER_NAME = 9;
const AFTER_EQ = 10;
const VALUE = 11;
const AFTER_VALUE = 12;
const SELF_CLOSE = 13;
const END_NAME = 14;
const END_TAIL = 15;
const REF = 16;

/* XML 1.0 §2.2: no C0 controls but tab, LF, CR; no U+FFFE, U+FFFF. (Lone surrogates cannot
 * come out of a UTF-8 decoder: the fatal one below refuses them, a WebSocket replaces them.) */
const BAD_CHAR = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF";
const TEXT_STOP = new RegExp(`[<&${BAD_CHAR}]`, "g");
const VALUE_STOP = { '"': new RegExp(`["<&${BAD_CHAR}]`, "g"), "'": new RegExp(`['<&${BAD_CHAR}]`, "g") };
const BAD_CHAR_RE = new RegExp(`[${BAD_CHAR}]`);
/** The end of a name: white space, a structural character or one XML forbids. */
const NAME_STOP = new RegExp(`[\\s<>/="'&!?${BAD_CHAR}]`, "g");
const STRUCTURAL = new Set(["<", ">", "/", "=", '"', "'", "&", "!", "?"]);
const isSpace = (c: string) => c === " " || c === "\n" || c === "\t" || c === "\r";
const PREDEFINED = new Set(["amp", "lt", "gt", "quot", "apos"]);
const CDATA_OPEN = "[CDATA[";

function legalChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Why an entity reference (the text between `&` and `;`) is refused, or undefined. */
function refusedReference(ref: string): [StreamCondition, string] | undefined {
  if (PREDEFINED.has(ref)) return undefined;
  const num = /^#(?:([0-9]{1,7})|x([0-9a-fA-F]{1,6}))$/.exec(ref);
  if (num) {
    const code = num[1] !== undefined ? Number(num[1]) : Number.parseInt(num[2] ?? "", 16);
    return legalChar(code)
      ? undefined
      : ["not-well-formed", `a reference to a character XML forbids (&${ref};)`];
  }
  // RFC 6120 §11.1: entity references other than the predefined ones are restricted XML.
  if (/^[\p{L}_:][\p{L}\p{N}._:-]*$/u.test(ref)) {
    return ["restricted-xml", `an entity reference other than the predefined ones (&${ref};)`];
  }
  return ["not-well-formed", "a malformed entity or character reference"];
}

/**
 * A streaming scanner for what RFC 6120 §11 refuses and ltx lets through. It checks lexical
 * form only (element nesting is the parser's job) and keeps state across chunks.
 */
export class XmlGuard {
  private state = TEXT;
  private buf = "";
  private attrs = new Set<string>();
  private quote: '"' | "'" = '"';
  private refReturn = TEXT;
  private brackets = 0;
  private prolog = true;

  /** A new stream begins (a new parser): the XML declaration is allowed again before the root. */
  restart(): void {
    this.state = TEXT;
    this.buf = "";
    this.brackets = 0;
    this.prolog = true;
  }

  private fail(offset: number, condition: StreamCondition, reason: string): Violation {
    this.state = -1; // nothing more is accepted on this stream
    return { condition, reason, offset };
  }

  /** Scans the next chunk; the first violation, or undefined when all of it is acceptable. */
  scan(text: string): Violation | undefined {
    let pos = 0;
    for (; pos < text.length; pos++) {
      if (this.state === TEXT || this.state === VALUE) {
        const stop = this.state === TEXT ? TEXT_STOP : VALUE_STOP[this.quote];
        stop.lastIndex = pos;
        const found = stop.exec(text);
        if (!found) return undefined;
        pos = found.index;
      } else if (this.state === TAG_NAME || this.state === END_NAME || this.state === ATTR_NAME) {
        NAME_STOP.lastIndex = pos;
        const found = NAME_STOP.exec(text);
        const end = found ? found.index : text.length;
        if (this.state === ATTR_NAME) this.buf += text.slice(pos, end);
        if (!found) return undefined;
        pos = end;
      }
      const c = text.charAt(pos);
      switch (this.state) {
        case TEXT:
          if (c === "<") this.state = LT;
          else if (c === "&") [this.state, this.refReturn, this.buf] = [REF, TEXT, ""];
          else
            return this.fail(
              pos,
              "not-well-formed",
              `a character XML forbids (U+${c.charCodeAt(0).toString(16).padStart(4, "0")})`,
            );
          break;
        case LT:
          this.buf = "";
          if (c === "/") this.state = END_NAME;
          else if (c === "!") this.state = BANG;
          else if (c === "?") this.state = PI;
          else if (isSpace(c) || STRUCTURAL.has(c))
            return this.fail(pos, "not-well-formed", "'<' not followed by a name");
          else [this.state, this.prolog] = [TAG_NAME, false];
          if (this.state === TAG_NAME) this.attrs.clear();
          break;
        case BANG:
          this.buf += c;
          if (this.buf === CDATA_OPEN) [this.state, this.brackets] = [CDATA, 0];
          else if (!CDATA_OPEN.startsWith(this.buf)) {
            // RFC 6120 §11.1: no comments, no DTDs (and no other markup declarations).
            const what = this.buf.startsWith("-") ? "a comment" : "a DTD or markup declaration (<!…)";
            return this.fail(pos, "restricted-xml", what);
          }
          break;
        case PI:
          if (isSpace(c) || c === "?") {
            // RFC 6120 §11.5: an XML declaration may open the stream; no other processing instruction.
            if (this.buf !== "xml" || !this.prolog)
              return this.fail(pos, "restricted-xml", "a processing instruction");
            [this.state, this.buf] = [DECL, c];
          } else if (STRUCTURAL.has(c) || this.buf.length > 64) {
            return this.fail(pos, "restricted-xml", "a processing instruction");
          } else this.buf += c;
          break;
        case DECL:
          this.buf += c;
          if (this.buf.length > 256)
            return this.fail(pos, "not-well-formed", "an XML declaration that does not end");
          if (this.buf.endsWith("?>")) {
            const encoding = /encoding\s*=\s*["']([^"']*)["']/.exec(this.buf)?.[1];
            if (encoding !== undefined && encoding.toLowerCase() !== "utf-8") {
              return this.fail(pos, "unsupported-encoding", `an XML declaration with encoding '${encoding}'`); // §11.6
            }
            [this.state, this.prolog] = [TEXT, false];
          }
          break;
        case CDATA:
          if (c === "]") this.brackets++;
          else if (c === ">" && this.brackets >= 2) this.state = TEXT;
          else if (BAD_CHAR_RE.test(c)) return this.fail(pos, "not-well-formed", "a character XML forbids");
          else this.brackets = 0;
          break;
        case TAG_NAME:
        case END_NAME:
          if (c === ">") this.state = TEXT;
          else if (isSpace(c)) this.state = this.state === TAG_NAME ? IN_TAG : END_TAIL;
          else if (c === "/" && this.state === TAG_NAME) this.state = SELF_CLOSE;
          else if (STRUCTURAL.has(c) || BAD_CHAR_RE.test(c))
            return this.fail(pos, "not-well-formed", "a malformed element name");
          break;
        case IN_TAG:
        case AFTER_VALUE:
          if (c === ">") this.state = TEXT;
          else if (c === "/") this.state = SELF_CLOSE;
          else if (isSpace(c)) this.state = IN_TAG;
          else if (this.state === AFTER_VALUE)
            return this.fail(pos, "not-well-formed", "attributes not separated by white space");
          else if (STRUCTURAL.has(c) || BAD_CHAR_RE.test(c))
            return this.fail(pos, "not-well-formed", "a malformed attribute");
          else [this.state, this.buf] = [ATTR_NAME, c];
          break;
        case ATTR_NAME:
          if (isSpace(c) || c === "=") {
            // XML 1.0 §3.1, WFC Unique Att Spec: ltx would keep only the last value.
            if (this.attrs.has(this.buf))
              return this.fail(pos, "not-well-formed", `a duplicate attribute (${this.buf.slice(0, 64)})`);
            this.attrs.add(this.buf);
            this.state = c === "=" ? AFTER_EQ : AFTER_NAME;
          } else return this.fail(pos, "not-well-formed", "an attribute without a value");
          break;
        case AFTER_NAME:
          if (c === "=") this.state = AFTER_EQ;
          else if (!isSpace(c)) return this.fail(pos, "not-well-formed", "an attribute without a value");
          break;
        case AFTER_EQ:
          if (c === '"' || c === "'") [this.state, this.quote] = [VALUE, c];
          else if (!isSpace(c)) return this.fail(pos, "not-well-formed", "an unquoted attribute value");
          break;
        case VALUE:
          if (c === this.quote) this.state = AFTER_VALUE;
          else if (c === "&") [this.state, this.refReturn, this.buf] = [REF, VALUE, ""];
          else if (c === "<") return this.fail(pos, "not-well-formed", "'<' in an attribute value");
          else return this.fail(pos, "not-well-formed", "a character XML forbids");
          break;
        case SELF_CLOSE:
          if (c !== ">") return this.fail(pos, "not-well-formed", "'/' not followed by '>'");
          this.state = TEXT;
          break;
        case END_TAIL:
          if (c === ">") this.state = TEXT;
          else if (!isSpace(c)) return this.fail(pos, "not-well-formed", "a malformed end tag");
          break;
        case REF:
          if (c === ";") {
            const refused = refusedReference(this.buf);
            if (refused) return this.fail(pos, ...refused);
            this.state = this.refReturn;
          } else if (this.buf.length >= 32 || isSpace(c) || c === "<" || c === "&") {
            return this.fail(pos, "not-well-formed", "an unterminated entity or character reference");
          } else this.buf += c;
          break;
        default:
          return this.fail(pos, "not-well-formed", "data after a stream error");
      }
    }
    return undefined;
  }
}
