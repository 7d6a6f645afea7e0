/* The shape of one PubSub protocol handler and helpers every handler uses. */
import xml, { type Element } from "@xmpp/xml";
import { makeError } from "../../shared/xmpp/errors";
import { NS_PUBSUB, NS_PUBSUB_OWNER } from "../../shared/xmpp/ns";
import type { IqContext } from "../iq-types";
import type { PubsubService } from "./service";
import type { Fail, Result } from "./types";

export interface HandlerArgs {
  iq: IqContext;
  /** The action element, e.g. <publish/>. */
  action: Element;
  /** The <pubsub/> element that carries it (siblings such as <options/>, <configure/>, <set/>). */
  pubsub: Element;
  service: PubsubService;
}

/** Returns the result payload, undefined for an empty result, or an <error/>. */
export type PubsubHandler = (args: HandlerArgs) => Promise<Element | undefined>;

export const errorOf = (f: Fail): Element =>
  makeError(f.error, f.feature === undefined ? {} : { feature: f.feature });

/** The error element for a failed result, or the built reply for a successful one. */
export function replyWith<T>(
  result: Result<T>,
  build: (value: T) => Element | undefined,
): Element | undefined {
  return result.ok ? build(result.value) : errorOf(result);
}

export const pubsub = (...children: Element[]): Element => xml("pubsub", { xmlns: NS_PUBSUB }, ...children);
export const pubsubOwner = (...children: Element[]): Element =>
  xml("pubsub", { xmlns: NS_PUBSUB_OWNER }, ...children);

/** An attribute as a string, or undefined when absent. */
export const attr = (el: Element | undefined, name: string): string | undefined => {
  const v = el?.attrs[name];
  return typeof v === "string" ? v : undefined;
};

/** Copies only the attributes that are defined. */
export function attrs(map: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) if (v !== undefined) out[k] = v;
  return out;
}
