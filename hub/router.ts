/* Routes every stanza that reaches the hub. IQs go to one handler per payload, found in a table;
 * each get/set gets exactly one answer: the handler's result or error, `service-unavailable` when
 * nothing handles it, `internal-server-error` when a handler throws (a bug, logged).
 * References: RFC 6120 §8.2.3 (IQ semantics), §8.3.1 (never answer an error with an error),
 * §8.3.3.19 (service-unavailable), §8.3.3.6 (internal-server-error), §8.3.3.18
 * (resource-constraint: a store out of space, hub/db/errors.ts); the codes are in
 * shared/xmpp/errors.ts. */
import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../shared/log";
import { makeError } from "../shared/xmpp/errors";
import { isStoreError } from "./db/errors";
import type { IqContext, IqRoute, SendStanza } from "./iq-types";

export type StanzaListener = (stanza: Element) => void | Promise<void>;

export interface Router {
  add(route: IqRoute): void;
  onMessage(listener: StanzaListener): void;
  onPresence(listener: StanzaListener): void;
  /** Handles one incoming stanza; resolves when its answer (if any) is sent. */
  dispatch(stanza: Element): Promise<void>;
}

export function createRouter({ send, log }: { send: SendStanza; log: Logger }): Router {
  const routes = new Map<string, IqRoute["handler"]>();
  const messageListeners: StanzaListener[] = [];
  const presenceListeners: StanzaListener[] = [];
  const key = (type: string, ns: string, name: string) => `${type} ${ns} ${name}`;

  async function answerIq(stanza: Element): Promise<void> {
    const { type, id, from, to } = stanza.attrs as Record<string, string | undefined>;
    if (type !== "get" && type !== "set") return; // results and errors are never answered
    const reply = (payload: Element | undefined, isError = false) =>
      send(
        xml(
          "iq",
          { type: isError ? "error" : "result", id, to: from, from: to },
          ...(payload ? [payload] : []),
        ),
      );
    const children = stanza.children.filter((c): c is Element => typeof c !== "string");
    const child = children[0];
    if (children.length !== 1 || child === undefined || !id || !from) {
      // RFC 6120 §8.2.3: a get or set contains exactly one payload element.
      const text = "an IQ get/set carries exactly one payload";
      return reply(makeError("bad-request", { text, lang: null }), true);
    }
    const handler = routes.get(key(type, String(child.attrs.xmlns ?? ""), child.name));
    if (!handler) return reply(makeError("service-unavailable"), true);
    const context: IqContext = { from, to: to ?? "", id, type, stanza, child };
    let answer: Element | undefined;
    try {
      answer = await handler(context);
    } catch (error) {
      // A store that ran out of space is not a bug: `wait`/resource-constraint (RFC 6120
      // §8.3.3.18), from the one error table, for whichever service's write reached it.
      if (isStoreError(error)) {
        log.warn(
          { err: error, payload: `${child.attrs.xmlns} ${child.name}` },
          "IQ refused: storage is full",
        );
        return reply(makeError(error.code, { text: "storage is full; retry later" }), true);
      }
      log.error({ err: error, payload: `${child.attrs.xmlns} ${child.name}` }, "IQ handler failed");
      return reply(makeError("handler-failed"), true);
    }
    return reply(answer, answer?.name === "error");
  }

  async function notify(listeners: StanzaListener[], stanza: Element): Promise<void> {
    for (const listener of listeners) {
      try {
        await listener(stanza);
      } catch (error) {
        log.error({ err: error, stanza: stanza.name }, "stanza listener failed");
      }
    }
  }

  return {
    add(route) {
      const k = key(route.type, route.ns, route.name);
      if (routes.has(k)) throw new Error(`two handlers for IQ ${k}`);
      routes.set(k, route.handler);
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onPresence: (listener) => void presenceListeners.push(listener),
    async dispatch(stanza) {
      try {
        if (stanza.name === "iq") await answerIq(stanza);
        else if (stanza.name === "message") await notify(messageListeners, stanza);
        else if (stanza.name === "presence") await notify(presenceListeners, stanza);
      } catch (error) {
        // Sending the answer failed: the link is down and the requester's server answers for us.
        log.warn({ err: error }, "could not answer a stanza");
      }
    },
  };
}
