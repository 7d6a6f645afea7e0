import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../../shared/log";
import { AuthError, Link, type LinkEntity, refusalOf } from "../../../../shared/xmpp/link";

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

  it("a refused first login ends the link: start() rejects with an AuthError in words, no retry", async () => {
    const entity = fakeEntity();
    // RFC 6120 §6.4.5: the server answers <failure/> and keeps the stream open for another try.
    entity.open.mockImplementation(async () => {
      entity.status = "open";
      entity.emit("error", xmppError("SASLError", "not-authorized"));
    });
    const link = new Link({
      entity: entity as unknown as LinkEntity,
      log: silentLogger(),
      label: "client demo@localhost",
      account: "demo@localhost",
      explain: () => "wrong password (or no such account) for demo@localhost",
    });
    const retry = vi.fn();
    const failed = vi.fn();
    link.on("retry", retry);
    link.on("failed", failed);
    const started = link.start();
    await expect(started).rejects.toBeInstanceOf(AuthError);
    await expect(started).rejects.toMatchObject({
      account: "demo@localhost",
      condition: "not-authorized",
      message: "wrong password (or no such account) for demo@localhost",
    });
    expect(failed).toHaveBeenCalledOnce();
    expect(entity.connect).toHaveBeenCalledOnce();
    expect(entity.stop).toHaveBeenCalledOnce();
    entity.emit("disconnect");
    expect(retry).not.toHaveBeenCalled();
    for (const event of ["error", "online", "disconnect"]) expect(entity.listenerCount(event)).toBe(0);
  });

  it("a refusal after the link was online drops the stream at once and retries", async () => {
    const entity = fakeEntity();
    const link = new Link({
      entity: entity as unknown as LinkEntity,
      log: silentLogger(),
      label: "test",
      backoff: { initialMs: 100, maxMs: 100 },
    });
    await link.start();
    const retried = new Promise<string>((resolve) => link.once("retry", ({ reason }) => resolve(reason)));
    entity.status = "open";
    entity.emit("status", "open");
    entity.emit("error", xmppError("SASLError", "not-authorized"));
    expect(entity.socket?.end).toHaveBeenCalledOnce();
    entity.status = "disconnect";
    entity.emit("disconnect");
    expect(await retried).toContain("not-authorized");
    await link.stop();
  });

  it.each([
    ["SASLError", "not-authorized", "not-authorized"],
    ["SASLError", "account-disabled", "account-disabled"],
    ["SASLError", "credentials-expired", "credentials-expired"],
    ["SASLError", "temporary-auth-failure", undefined],
    ["StreamError", "not-authorized", "not-authorized"],
    ["StreamError", "conflict", undefined],
    ["StanzaError", "not-authorized", undefined],
  ])("refusalOf(%s %s) is %s", (name, condition, expected) => {
    expect(refusalOf(xmppError(name, condition))).toBe(expected);
  });
});

/** An error as @xmpp's XMPPError subclasses make them: a name and a condition. */
function xmppError(name: string, condition: string): Error {
  return Object.assign(new Error(condition), { name, condition });
}
