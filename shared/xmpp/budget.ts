/* Replies bounded by bytes: every list a service answers with fits one byte budget, and a list
 * that does not fit is cut and paged with XEP-0059 RSM.
 * References: XEP-0059 §2.1 (limiting), §2.2–§2.5 (paging forwards, backwards, the last page),
 * §2.6 (empty page), XEP-0114 §3 (the component link; Prosody 0.12 drops it on a stanza above
 * component_stanza_size_limit, 512 KiB by default), docs/design.md §6 ("Replies bounded by bytes"). */
import { type Element, escapeXML } from "@xmpp/xml";
import type { RsmRequest, RsmResult } from "./rsm";

/** The default reply budget: half of Prosody's default component stanza limit (512 KiB). */
export const DEFAULT_MAX_REPLY_BYTES = 256 * 1024;

/** What a reply's envelope may take beside its one largest entry: an entry up to the reply budget
 * less this always fits one reply. */
export const REPLY_ENVELOPE_BYTES = 16 * 1024;

/** UTF-8 bytes of a string (no Buffer: shared/ also runs in the browser). */
export function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** UTF-8 bytes of `text` once escaped for an attribute or text node. */
export const xmlBytes = (text: string): number => utf8Bytes(escapeXML(text));

/** UTF-8 bytes of a serialised element. */
export const elementBytes = (el: Element): number => utf8Bytes(el.toString());

/** Room the <iq/> envelope takes: its id, from and to (echoed) and a fixed allowance for tags. */
export function envelopeBytes(iq: { id: string; from: string; to: string }, ...texts: string[]): number {
  let n = 1024 + xmlBytes(iq.id) + xmlBytes(iq.from) + xmlBytes(iq.to);
  for (const t of texts) n += xmlBytes(t);
  return n;
}

/**
 * How many sizes, taken in order, fit `budget`. At least one when there is one, so that a
 * client paging on always makes progress (a single entry is bounded elsewhere, e.g. by
 * pubsub.maxPayloadBytes, well below the budget).
 */
export function fitCount(sizes: readonly number[], budget: number): number {
  let used = 0;
  let n = 0;
  for (const size of sizes) {
    if (n > 0 && used + size > budget) break;
    used += size;
    n++;
  }
  return n;
}

export interface ListPage<T> {
  entries: T[];
  /** The RSM result to answer with; undefined when nothing was asked and nothing was cut. */
  rsm: RsmResult | undefined;
}

export interface ListPaging<T> {
  /** The entry's RSM cursor: unique within the list. */
  keyOf(entry: T): string;
  /** Bytes the entry takes in the reply (its cursor counted too, in case it becomes first/last). */
  sizeOf(entry: T): number;
  /** Bytes the entries may take together. */
  budget: number;
  /** The client's RSM request, if any. */
  rsm?: RsmRequest | undefined;
  /** Most entries in one page besides the budget. */
  maxCount?: number;
}

/**
 * One page of a list held in memory, by RSM (after, before, empty before = the last page,
 * index, max) and by bytes. "item-not-found" when a cursor names no entry (XEP-0059 §2.5).
 */
export function pageList<T>(all: readonly T[], paging: ListPaging<T>): ListPage<T> | "item-not-found" {
  const { rsm } = paging;
  const limit = Math.min(rsm?.max ?? Number.POSITIVE_INFINITY, paging.maxCount ?? Number.POSITIVE_INFINITY);
  let start = 0;
  let end = all.length;
  let fromEnd = false;
  if (rsm?.after !== undefined) {
    const at = all.findIndex((e) => paging.keyOf(e) === rsm.after);
    if (at < 0) return "item-not-found";
    start = at + 1;
  } else if (rsm?.before !== undefined) {
    fromEnd = true;
    if (rsm.before !== "") {
      end = all.findIndex((e) => paging.keyOf(e) === rsm.before);
      if (end < 0) return "item-not-found";
    }
  } else if (rsm?.index !== undefined) {
    start = Math.min(rsm.index, all.length);
  }
  if (fromEnd) start = Math.max(0, end - limit);
  else end = Math.min(all.length, start + limit);
  let window = all.slice(start, end);
  const sizes = window.map((e) => paging.sizeOf(e));
  if (fromEnd) {
    const n = fitCount([...sizes].reverse(), paging.budget);
    start += window.length - n;
    window = window.slice(window.length - n);
  } else {
    window = window.slice(0, fitCount(sizes, paging.budget));
  }
  const cut = window.length < all.length;
  if (rsm === undefined && !cut) return { entries: window, rsm: undefined };
  return { entries: window, rsm: rsmResult(window.map(paging.keyOf), start, all.length) };
}

/** The RSM result for a page of keys starting at `firstIndex` in a list of `count`. */
export function rsmResult(keys: readonly string[], firstIndex: number, count: number): RsmResult {
  const first = keys[0];
  const last = keys[keys.length - 1];
  return first === undefined || last === undefined ? { count } : { first, firstIndex, last, count };
}
