/* A fake GPIO board for tests. The board (physical levels, exported outputs, write history) outlives
 * drivers, so opening a second driver on the same board is an agent restart. Every level change is
 * recorded with the injected clock's time. */
import type { GpioDriver, GpioEdgeEvent, GpioInput, GpioOutput } from "../../../devices/gpio/types";
import type { Clock } from "../../../devices/types";

export interface FakeWrite {
  pin: number;
  /** Physical level driven onto the pin. */
  level: 0 | 1;
  t: number;
  via: "claim" | "write";
}

export interface FakeBoard {
  levels: Map<number, 0 | 1>;
  outputs: Set<number>;
  writes: FakeWrite[];
  /** Drive an input pin from outside (a button press); watchers see it with active-low applied. */
  setInput(pin: number, level: 0 | 1): void;
  watchers: Map<number, Set<(level: 0 | 1) => void>>;
}

export function fakeBoard(): FakeBoard {
  const board: FakeBoard = {
    levels: new Map(),
    outputs: new Set(),
    writes: [],
    watchers: new Map(),
    setInput(pin, level) {
      board.levels.set(pin, level);
      for (const w of board.watchers.get(pin) ?? []) w(level);
    },
  };
  return board;
}

export function fakeGpioDriver(board: FakeBoard, clock: Clock): GpioDriver {
  const drive = (pin: number, level: 0 | 1, via: FakeWrite["via"]) => {
    board.levels.set(pin, level);
    board.writes.push({ pin, level, t: clock.now(), via });
  };
  return {
    name: "fake",
    capabilities: { pull: true, debounce: false },
    async openOutput(o): Promise<GpioOutput> {
      const toLevel = (v: boolean): 0 | 1 => (v !== o.activeLow ? 1 : 0);
      const keep = o.initial === "keep" && board.outputs.has(o.pin);
      if (!keep) {
        drive(o.pin, toLevel(o.initial === "keep" ? o.safeState : o.initial), "claim");
        board.outputs.add(o.pin);
      }
      return {
        read: async () => (board.levels.get(o.pin) === 1) !== o.activeLow,
        write: async (v) => drive(o.pin, toLevel(v), "write"),
        close: async () => undefined,
      };
    },
    async openInput(o): Promise<GpioInput> {
      const value = () => (board.levels.get(o.pin) === 1) !== o.activeLow;
      if (!board.levels.has(o.pin)) board.levels.set(o.pin, o.pull === "up" ? 1 : 0);
      return {
        read: async () => value(),
        watch(listener: (e: GpioEdgeEvent) => void) {
          const w = (level: 0 | 1) => {
            const v = (level === 1) !== o.activeLow;
            if (o.edge === "both" || (o.edge === "rising") === v) listener({ value: v, t: clock.now() });
          };
          const set = board.watchers.get(o.pin) ?? new Set();
          set.add(w);
          board.watchers.set(o.pin, set);
          return () => set.delete(w);
        },
        close: async () => undefined,
      };
    },
  };
}
