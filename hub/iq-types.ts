/* The contract between the hub's IQ router and the services that plug into it.
 * References: RFC 6120 §8.2.3 (every get/set IQ gets exactly one result or error). */
import type { Element } from "@xmpp/xml";

export interface IqContext {
  /** Full JID of the sender, as routed by the server (never trust JIDs inside the payload). */
  from: string;
  /** The JID the IQ was addressed to (the hub, or a node-less hub address). */
  to: string;
  id: string;
  type: "get" | "set";
  /** The whole <iq/> stanza. */
  stanza: Element;
  /** Its first child element: the query/pubsub/command payload. */
  child: Element;
}

/**
 * Returns the payload child of the result (`undefined` for an empty result), or an `<error/>`
 * element for an error reply. Throwing is for bugs only: the router answers
 * `internal-server-error` and logs the exception.
 */
export type IqHandler = (ctx: IqContext) => Promise<Element | undefined> | Element | undefined;

export interface IqRoute {
  type: "get" | "set";
  /** Namespace and local name of the payload child, e.g. NS_PUBSUB + "pubsub". */
  ns: string;
  name: string;
  handler: IqHandler;
}

export interface DiscoIdentity {
  category: string;
  type: string;
  name?: string;
}

/** A service's part in the hub's XEP-0030 answers for the hub's own JID (no node). */
export interface DiscoContribution {
  identities: DiscoIdentity[];
  features: string[];
}

/** Sends a stanza through the component link; resolves once it is written to the socket. */
export type SendStanza = (stanza: Element) => Promise<void>;
