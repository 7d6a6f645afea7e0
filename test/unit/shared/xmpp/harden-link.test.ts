import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../../shared/log";
import { StreamViolation } from "../../../../shared/xmpp/harden";
import { Link, type LinkEntity } from "../../../../shared/xmpp/link";

/** An entity that goes online at once and changes status as @xmpp/connection does. */
function fakeEntity() {
  const socket = { destroy: vi.fn(() => entity.setStatus("disconnect")) };
  const entity = Object.assign(new EventEmitter(), {
    status: "offline",
    options: { service: "xmpp://127.0.0.1:5347", domain: "hub.localhost" },
    socket: socket as { destroy(): void } | null,
    setStatus(status: string) {
      entity.status = status;
      entity.emit("status", status);
      entity.emit(status);
    },
    connect: vi.fn(async () => entity.setStatus("connect")),
    open: vi.fn(async () => entity.setStatus("online")),
    disconnect: vi.fn(async () => undefined),
    stop: vi.fn(async () => entity.setStatus("offline")),
  });
  return entity;
}

const newLink = (entity: ReturnType<typeof fakeEntity>) =>
  new Link({
    entity: entity as unknown as LinkEntity,
    log: silentLogger(),
    label: "test",
    backoff: { initialMs: 1000, maxMs: 1000 },
    closeTimeoutMs: 5000,
  });

describe("Link: online is the link's state, not the entity's last status", () => {
  afterEach(() => vi.useRealTimers());

  it("is offline at the first stream error, while the entity still says online", async () => {
    const entity = fakeEntity();
    const link = newLink(entity);
    await link.start();
    const offline = vi.fn();
    link.on("offline", offline);
    entity.emit("error", new StreamViolation("restricted-xml", "a DTD or markup declaration (<!…)"));
    expect(entity.status).toBe("online");
    expect(link.online).toBe(false);
    expect(offline).toHaveBeenCalledOnce();
    await link.stop();
    expect(offline).toHaveBeenCalledTimes(2); // stop() announces once more, as always
  });

  it("tears down a stream that left online but never disconnected, then reconnects", async () => {
    vi.useFakeTimers();
    const entity = fakeEntity();
    const link = newLink(entity);
    await link.start();
    const retry = vi.fn();
    link.on("retry", retry);
    entity.setStatus("disconnecting"); // the peer never closes its side
    expect(link.online).toBe(false);
    await vi.advanceTimersByTimeAsync(4999);
    expect(entity.socket?.destroy).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(entity.socket?.destroy).toHaveBeenCalledOnce();
    expect(retry).toHaveBeenCalledWith(expect.objectContaining({ reason: "the stream did not close" }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(entity.connect).toHaveBeenCalledTimes(2);
    expect(link.online).toBe(true);
    await link.stop();
  });

  it("ignores errors that are not stream errors (a stanza handler's, say)", async () => {
    const entity = fakeEntity();
    const link = newLink(entity);
    await link.start();
    entity.emit("error", new Error("a middleware failed"));
    expect(link.online).toBe(true);
    await link.stop();
    expect(entity.listenerCount("status")).toBe(0);
  });
});
