/* A tiny typed listener set: emit to all, unsubscribe by the returned function. */
import type { Unsubscribe } from "../types";

export interface Listeners<A extends unknown[]> {
  add(listener: (...args: A) => void): Unsubscribe;
  emit(...args: A): void;
  clear(): void;
  readonly size: number;
}

export function listeners<A extends unknown[]>(): Listeners<A> {
  const set = new Set<(...args: A) => void>();
  return {
    add(listener) {
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(...args) {
      for (const l of [...set]) l(...args);
    },
    clear: () => set.clear(),
    get size() {
      return set.size;
    },
  };
}
