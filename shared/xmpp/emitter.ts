/* A small typed event emitter that runs in Node and in the browser bundle alike (node:events is
 * not there: hub/http/dashboard.ts bundles node: modules as empty ones).
 * References: the on/once/off/emit subset of Node's EventEmitter API, with the same order of calls. */

type Listener<A extends unknown[]> = (...args: A) => void;
/** A stored listener: its own, or the once() wrapper that knows it. */
type Stored = ((...args: unknown[]) => void) & { listener?: unknown };

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  readonly #listeners = new Map<keyof E, Stored[]>();

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener as unknown as Stored]);
    return this;
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const wrapped = (...args: E[K]) => {
      this.off(event, wrapped);
      listener(...args);
    };
    (wrapped as unknown as Stored).listener = listener;
    return this.on(event, wrapped);
  }

  /** Removes the latest registration of `listener` (also one added with once()), as Node does. */
  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const list = this.#listeners.get(event) ?? [];
    let at = list.length - 1;
    const same = (stored: Stored | undefined) =>
      stored === (listener as unknown) || stored?.listener === listener;
    while (at >= 0 && !same(list[at])) at--;
    if (at >= 0) this.#listeners.set(event, [...list.slice(0, at), ...list.slice(at + 1)]);
    return this;
  }

  removeListener<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    return this.off(event, listener);
  }

  /** Calls the listeners registered when it starts, in order; true when there were any. */
  emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(event) ?? [];
    for (const listener of list) listener(...args);
    return list.length > 0;
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }
}
