/* An error reply received from a peer, as a typed Error.
 * References: RFC 6120 §8.3 (stanza errors). */

import xml, { type Element } from "@xmpp/xml";
import { NS_STANZAS } from "./ns";

export class StanzaError extends Error {
  constructor(
    readonly condition: string,
    readonly type: string,
    readonly text: string | undefined,
    readonly stanza: Element,
    /** The application-specific condition child, if any (e.g. pubsub#errors). */
    readonly application: Element | undefined,
  ) {
    super(text ? `${condition}: ${text}` : condition);
    this.name = "StanzaError";
  }

  static fromStanza(stanza: Element): StanzaError {
    const error = stanza.getChild("error");
    const children = (error?.children ?? []).filter((c): c is Element => typeof c !== "string");
    const condition = children.find((c) => c.attrs.xmlns === NS_STANZAS && c.name !== "text");
    const application = children.find((c) => c.attrs.xmlns !== NS_STANZAS);
    const text = error?.getChildText("text", NS_STANZAS) ?? undefined;
    return new StanzaError(
      condition?.name ?? "undefined-condition",
      String(error?.attrs.type ?? "cancel"),
      text,
      stanza,
      application,
    );
  }
}

export type ErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

export interface StanzaErrorOptions {
  text?: string;
  /** An application-specific condition element (e.g. a pubsub#errors child). */
  application?: Element;
}

/** Builds an RFC 6120 §8.3.2 <error/> element. */
export function makeStanzaError(
  type: ErrorType,
  condition: string,
  options: StanzaErrorOptions = {},
): Element {
  const children = [xml(condition, { xmlns: NS_STANZAS })];
  if (options.text) children.push(xml("text", { xmlns: NS_STANZAS }, options.text));
  if (options.application) children.push(options.application);
  return xml("error", { type }, ...children);
}
