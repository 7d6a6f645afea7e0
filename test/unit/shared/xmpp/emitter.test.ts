import { describe, expect, it } from "vitest";
import { TypedEmitter } from "../../../../shared/xmpp/emitter";

type Events = { tick: [number]; done: [] };

describe("TypedEmitter", () => {
  it("calls listeners in order with the arguments, and once() only once", () => {
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    emitter.on("tick", (n) => seen.push(`on ${n}`));
    emitter.once("tick", (n) => seen.push(`once ${n}`));
    expect(emitter.emit("tick", 1)).toBe(true);
    expect(emitter.emit("tick", 2)).toBe(true);
    expect(emitter.emit("done")).toBe(false);
    expect(seen).toEqual(["on 1", "once 1", "on 2"]);
  });

  it("off() removes a listener, also one added with once(), and only one registration of it", () => {
    const emitter = new TypedEmitter<Events>();
    let calls = 0;
    const listener = () => {
      calls += 1;
    };
    emitter.on("done", listener);
    emitter.on("done", listener);
    emitter.off("done", listener);
    emitter.emit("done");
    expect(calls).toBe(1);
    emitter.once("tick", listener);
    emitter.removeListener("tick", listener);
    emitter.emit("tick", 1);
    expect(calls).toBe(1);
    expect(emitter.listenerCount("tick")).toBe(0);
  });

  it("a listener removed while emitting does not stop the others of that emit", () => {
    const emitter = new TypedEmitter<Events>();
    const seen: number[] = [];
    const first = () => {
      seen.push(1);
      emitter.off("done", second);
    };
    const second = () => seen.push(2);
    emitter.on("done", first).on("done", second);
    emitter.emit("done");
    emitter.emit("done");
    expect(seen).toEqual([1, 2, 1]);
  });
});
