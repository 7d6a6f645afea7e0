/* Parsing stored payload XML back into elements (payloads are stored serialised). */
import { type Element, Parser } from "@xmpp/xml";

export class PayloadParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PayloadParseError";
  }
}

/** Parses one serialised element (a payload this service serialised itself). */
export function parseElement(text: string): Element {
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
  parser.write(text);
  if (failure || !root) throw new PayloadParseError(failure?.message ?? "no element in payload");
  return root;
}
