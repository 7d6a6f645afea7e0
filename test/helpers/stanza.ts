/* Stanza helpers for protocol tests: parse XML text, compare elements canonically (attribute
 * order and insignificant whitespace ignored), build IQ contexts and run them through routes. */
import { type Element, Parser } from "@xmpp/xml";
import type { IqContext, IqRoute } from "../../hub/iq-types";

/** Parses one element from XML text (whitespace between elements is dropped). */
export function parseXml(text: string): Element {
  const parser = new Parser();
  let root: Element | undefined;
  let failure: Error | undefined;
  parser.on("start", (el: Element) => {
    root = el;
  });
  parser.on("element", (el: Element) => root?.append(el));
  parser.on("error", (err: Error) => {
    failure = err;
  });
  parser.write(text.replace(/>\s+</g, "><").trim());
  if (failure || !root) throw failure ?? new Error(`no element in ${text}`);
  return root;
}

/** Canonical text of an element: sorted attributes, no whitespace-only text. */
export function canon(el: Element | string | undefined): string {
  if (el === undefined) return "(none)";
  const element = typeof el === "string" ? parseXml(el) : el;
  const attrs = Object.entries(element.attrs)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ` ${k}="${String(v)}"`)
    .join("");
  const children = element.children
    .map((c) => (typeof c === "string" ? (c.trim() === "" ? "" : c) : canon(c)))
    .join("");
  return `<${element.name}${attrs}>${children}</${element.name}>`;
}

let nextId = 0;

/** An IQ as the hub's router hands it to a service. */
export function iqContext(
  type: "get" | "set",
  from: string,
  xmlText: string,
  to = "hub.example.org",
): IqContext {
  const child = parseXml(xmlText);
  const id = `iq${++nextId}`;
  const stanza = parseXml(`<iq type='${type}' from='${from}' to='${to}' id='${id}'/>`);
  stanza.append(child);
  return { from, to, id, type, stanza, child };
}

/** Routes an IQ the way the hub's router does (type + payload namespace and name). */
export async function routeIq(routes: IqRoute[], ctx: IqContext): Promise<Element | undefined> {
  const ns = ctx.child.attrs.xmlns as string;
  const route = routes.find((r) => r.type === ctx.type && r.ns === ns && r.name === ctx.child.name);
  if (!route) throw new Error(`no route for ${ctx.type} ${ns} ${ctx.child.name}`);
  return route.handler(ctx);
}
