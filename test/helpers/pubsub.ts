/* Small helpers for PubSub end-to-end tests: the well-formed requests from shared/xmpp/pubsub*.ts,
 * IQs written as XML text for the odd and malformed ones (as in the XEP's examples), exact error
 * assertions, and an inbox of notifications per test client.
 * References: XEP-0060 §§6–8 (use cases and their errors), XEP-0004 (forms), XEP-0059. */

import type { Element } from "@xmpp/xml";
import { expect } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import {
  NS_PUBSUB,
  NS_PUBSUB_ERRORS,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_NODE_CONFIG,
  NS_PUBSUB_OWNER,
  NS_STANZAS,
} from "../../shared/xmpp/ns";
import { makePublish, makeSubscribe, parseItemIds, parsePublishedId } from "../../shared/xmpp/pubsub";
import { parseEvent } from "../../shared/xmpp/pubsub-events";
import { makeCreate, makeNodeAffiliations } from "../../shared/xmpp/pubsub-owner";
import { StanzaError } from "../../shared/xmpp/stanza-error";
import { parseXml } from "./stanza";

export const HUB = "hub.localhost";
export { NS_PUBSUB, NS_PUBSUB_EVENT, NS_PUBSUB_OWNER };

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");

/** Sends `<iq type to=hub><pubsub xmlns=…>inner</pubsub></iq>` and resolves with the result. */
export function pubsub(
  conn: ClientConnection,
  type: "get" | "set",
  inner: string,
  ns: string = NS_PUBSUB,
): Promise<Element> {
  return conn.request(
    parseXml(`<iq type='${type}' to='${HUB}'><pubsub xmlns='${ns}'>${inner}</pubsub></iq>`),
  );
}

export const owner = (conn: ClientConnection, type: "get" | "set", inner: string): Promise<Element> =>
  pubsub(conn, type, inner, NS_PUBSUB_OWNER);

/** Any IQ to the hub, written as its child's XML. */
export const iq = (conn: ClientConnection, type: "get" | "set", child: string): Promise<Element> =>
  conn.request(parseXml(`<iq type='${type}' to='${HUB}'>${child}</iq>`));

/** A submitted XEP-0004 form; values may repeat. */
export function form(formType: string, fields: Record<string, string | string[]>): string {
  const body = Object.entries(fields)
    .map(([name, v]) => {
      const values = (Array.isArray(v) ? v : [v]).map((x) => `<value>${esc(x)}</value>`).join("");
      return `<field var='${esc(name)}'>${values}</field>`;
    })
    .join("");
  return `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>${formType}</value></field>${body}</x>`;
}

export const configForm = (fields: Record<string, string | string[]>): string =>
  form(NS_PUBSUB_NODE_CONFIG, fields);

/** A test payload element. */
export const entry = (text: string): string => `<entry xmlns='urn:xiot:test:0'>${esc(text)}</entry>`;

export const create = (conn: ClientConnection, node: string, config?: Record<string, string>) =>
  conn.request(makeCreate(HUB, node, config));

/** Publishes one item; resolves with the id the service acknowledged. */
export async function publish(conn: ClientConnection, node: string, payload: string, id?: string) {
  const result = await conn.request(
    makePublish(HUB, node, parseXml(payload), id === undefined ? {} : { id }),
  );
  return parsePublishedId(result) as string;
}

export async function subscribe(conn: ClientConnection, node: string, jid = conn.jid()) {
  const result = await conn.request(makeSubscribe(HUB, node, jid));
  return result.getChild("pubsub", NS_PUBSUB)?.getChild("subscription") as Element;
}

export const affiliate = (conn: ClientConnection, node: string, jid: string, affiliation: string) =>
  conn.request(makeNodeAffiliations(HUB, node, { [jid]: affiliation }));

/** Item ids of an items reply, in order. */
export const itemIds = parseItemIds;

export interface ExpectedError {
  type: string;
  condition: string;
  /** The pubsub#errors child, or null when there must be none. */
  pubsub?: string | null;
  /** The feature attribute of <unsupported/>. */
  feature?: string;
}

/** Asserts that the request failed with exactly this stanza error; returns the <error/>. */
export async function expectError(request: Promise<unknown>, want: ExpectedError): Promise<Element> {
  const error = await request.then(
    (result) => {
      throw new Error(`expected ${want.condition}, got a result: ${String(result)}`);
    },
    (e: unknown) => e,
  );
  if (!(error instanceof StanzaError)) throw error;
  const el = error.stanza.getChild("error");
  if (el?.name !== "error") throw error;
  const defined = el.getChildElements().filter((c) => c.attrs.xmlns === NS_STANZAS && c.name !== "text");
  expect({ type: el.attrs.type, conditions: defined.map((c) => c.name) }).toEqual({
    type: want.type,
    conditions: [want.condition],
  });
  if (want.pubsub !== undefined) {
    const app = el.getChildElements().filter((c) => c.attrs.xmlns === NS_PUBSUB_ERRORS);
    expect(app.map((c) => c.name)).toEqual(want.pubsub === null ? [] : [want.pubsub]);
    if (want.feature !== undefined) expect(app[0]?.attrs.feature).toBe(want.feature);
  }
  return el;
}

export interface Inbox {
  /** Every message received so far (not consumed by next()). */
  readonly messages: Element[];
  /** The first message matching, past or future; it is removed from the inbox. */
  next(match: (m: Element) => boolean, timeoutMs?: number): Promise<Element>;
  /** Resolves once every stanza the hub sent this client before now has arrived. */
  barrier(): Promise<void>;
  /** Messages still in the inbox that match. */
  pending(match: (m: Element) => boolean): Element[];
}

/** The event child of a notification, when it is one for this node. */
export const eventOf = (m: Element, node?: string): Element | undefined => {
  const event = parseEvent(m);
  return event && (node === undefined || event.node === node) ? event.element : undefined;
};

/** Collects messages the client receives. */
export function inbox(conn: ClientConnection): Inbox {
  const messages: Element[] = [];
  const waiters: { match: (m: Element) => boolean; resolve: (m: Element) => void }[] = [];
  conn.xmpp.on("stanza", (stanza: Element) => {
    if (!stanza.is("message")) return;
    const waiter = waiters.find((w) => w.match(stanza));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(stanza);
    } else messages.push(stanza);
  });
  return {
    messages,
    next(match, timeoutMs = 10_000) {
      const i = messages.findIndex(match);
      if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0] as Element);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching message within ${timeoutMs} ms; inbox: ${messages.join("\n")}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (m: Element) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.push(waiter);
      });
    },
    // The hub sends in order over one component stream and the server delivers in order to one
    // session: once the answer to a ping arrives, every earlier notification has arrived too.
    async barrier() {
      await iq(conn, "get", "<ping xmlns='urn:xmpp:ping'/>");
    },
    pending: (match) => messages.filter(match),
  };
}

/** Field values of a data form element, by var. */
export function formValues(x: Element | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const field of x?.getChildren("field") ?? []) {
    out[field.attrs.var as string] = field.getChildren("value").map((v) => v.text());
  }
  return out;
}

/** The data form inside an element (e.g. <configure/>). */
export const formOf = (el: Element | undefined): Element | undefined => el?.getChild("x", "jabber:x:data");
