/* An error reply received from a peer, as a typed Error. (Errors xiot sends are built from the
 * one table in errors.ts.)
 * References: RFC 6120 §8.3 (stanza errors). */
import type { Element } from "@xmpp/xml";
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
