import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../../shared/log";
import { Link, type LinkEntity } from "../../../../shared/xmpp/link";

/** An entity whose connect/open go online at once; its socket has end() only, as a WebSocket's. */
function fakeEntity() {
  const entity = Object.assign(new EventEmitter(), {
    status: "offline",
    options: { service: "ws://localhost:5280/xmpp-websocket", domain: "localhost" },
    socket: { end: vi.fn() } as { end(): void } | null,
    connect: vi.fn(async () => {
      entity.status = "connect";
    }),
    open: vi.fn(async () => {
      entity.status = "online";
      entity.emit("online");
    }),
    disconnect: vi.fn(async () => undefined),
    stop: vi.fn(async () => {
      entity.status = "offline";
    }),
  });
  return entity;
}

describe("Link", () => {
  it("announces each attempt, goes online, and stop() undoes start()", async () => {
    const entity = fakeEntity();
    const link = new Link({ entity: entity as unknown as LinkEntity, log: silentLogger(), label: "test" });
    const events: string[] = [];
    link.on("connecting", ({ attempt }) => events.push(`connecting ${attempt}`));
    link.on("online", () => events.push("online"));
    link.on("offline", () => events.push("offline"));
    await link.start();
    expect(link.online).toBe(true);
    expect(entity.connect).toHaveBeenCalledWith("ws://localhost:5280/xmpp-websocket");
    await link.stop();
    expect(events).toEqual(["connecting 1", "online", "offline"]);
    expect(entity.stop).toHaveBeenCalledOnce();
    for (const event of ["error", "online", "disconnect"]) expect(entity.listenerCount(event)).toBe(0);
  });

  it("drop() ends a socket that has no destroy() (a WebSocket), and destroys one that has", async () => {
    const entity = fakeEntity();
    const link = new Link({ entity: entity as unknown as LinkEntity, log: silentLogger(), label: "test" });
    await link.start();
    const ws = entity.socket;
    link.drop();
    expect(ws?.end).toHaveBeenCalledOnce();
    const tcp = { destroy: vi.fn(), end: vi.fn() };
    entity.socket = tcp;
    link.drop();
    expect(tcp.destroy).toHaveBeenCalledOnce();
    expect(tcp.end).not.toHaveBeenCalled();
    await link.stop();
  });
});
