/* Outgoing IQs with a timeout each and no leaking pending entries: the one IQ caller of every
 * session (client and component), in Node and in the browser bundle (no node: imports).
 * References: RFC 6120 §8.2.3 (a get/set gets exactly one result or error, matched by id). */
import type { Element } from "@xmpp/xml";
import { StanzaError } from "./stanza-error";

export class IqTimeoutError extends Error {
  constructor(
    readonly id: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to IQ ${id} within ${timeoutMs} ms`);
    // The name @xmpp's own caller gives its timeouts, which the dashboard reads (dashboard/control.ts).
    this.name = "TimeoutError";
  }
}

interface Pending {
  resolve(stanza: Element): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

function newId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class IqCaller {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly send: (stanza: Element) => Promise<void>) {}

  /** Sends a get/set IQ (an id is added if missing) and resolves with the result stanza. */
  async request(iq: Element, timeoutMs = 10_000): Promise<Element> {
    iq.attrs.id ||= newId();
    const id = String(iq.attrs.id);
    const answer = new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new IqTimeoutError(id, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    try {
      await this.send(iq);
    } catch (error) {
      this.settle(id)?.reject(error as Error);
    }
    return answer;
  }

  /** Feeds an incoming result/error IQ; returns true when it answered one of ours. */
  handle(stanza: Element): boolean {
    const type = stanza.attrs.type;
    if (stanza.name !== "iq" || (type !== "result" && type !== "error")) return false;
    const pending = this.settle(String(stanza.attrs.id));
    if (!pending) return false;
    if (type === "result") pending.resolve(stanza);
    else pending.reject(StanzaError.fromStanza(stanza));
    return true;
  }

  /** Rejects everything still waiting (the link went down: no answer will come on it). */
  rejectAll(reason: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
  }

  get size(): number {
    return this.pending.size;
  }

  private settle(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    return pending;
  }
}
