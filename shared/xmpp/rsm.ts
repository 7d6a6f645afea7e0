/* XEP-0059 Result Set Management: parse a request, build a result set.
 * References: XEP-0059 §2 (limiting and paging), §2.6 (empty page), §4 (count). */
import xml, { type Element } from "@xmpp/xml";
import { NS_RSM } from "./ns";

export interface RsmRequest {
  max?: number;
  after?: string;
  before?: string;
  index?: number;
}

export interface RsmResult {
  first?: string;
  firstIndex?: number;
  last?: string;
  count: number;
}

const COUNT_RE = /^\d{1,9}$/;

/** undefined when there is no <set/>; "bad-request" when it is malformed. */
export function parseRsm(parent: Element | undefined): RsmRequest | "bad-request" | undefined {
  const set = parent?.getChild("set", NS_RSM);
  if (!set) return undefined;
  const req: RsmRequest = {};
  const max = set.getChildText("max");
  if (max !== null) {
    if (!COUNT_RE.test(max.trim())) return "bad-request";
    req.max = Number(max.trim());
  }
  const index = set.getChildText("index");
  if (index !== null) {
    if (!COUNT_RE.test(index.trim())) return "bad-request";
    req.index = Number(index.trim());
  }
  const after = set.getChildText("after");
  if (after !== null) {
    if (after === "") return "bad-request";
    req.after = after;
  }
  const before = set.getChild("before");
  // XEP-0059 §2.5: an empty <before/> asks for the last page.
  if (before) req.before = before.getText();
  return req;
}

export function makeRsmSet(result: RsmResult): Element {
  const children: Element[] = [];
  if (result.first !== undefined) {
    const attrs = result.firstIndex === undefined ? {} : { index: String(result.firstIndex) };
    children.push(xml("first", attrs, result.first));
  }
  if (result.last !== undefined) children.push(xml("last", {}, result.last));
  children.push(xml("count", {}, String(result.count)));
  return xml("set", { xmlns: NS_RSM }, ...children);
}
