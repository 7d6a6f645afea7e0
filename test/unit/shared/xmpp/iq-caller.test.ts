import xml, { type Element } from "@xmpp/xml";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IqCaller, IqTimeoutError } from "../../../../shared/xmpp/iq-caller";
import { StanzaError } from "../../../../shared/xmpp/stanza-error";
import { parseXml } from "../../../helpers/stanza";

function caller(send = vi.fn(async (_stanza: Element) => undefined)) {
  return { iq: new IqCaller(send), send };
}

describe("IqCaller", () => {
  afterEach(() => vi.useRealTimers());

  it("adds an id, sends the IQ and resolves with the result that carries it", async () => {
    const { iq, send } = caller();
    const answer = iq.request(xml("iq", { type: "get", to: "hub.localhost" }));
    const id = String(send.mock.calls[0]?.[0]?.attrs.id);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    const result = parseXml(`<iq type='result' id='${id}' from='hub.localhost'/>`);
    expect(iq.handle(result)).toBe(true);
    await expect(answer).resolves.toBe(result);
    expect(iq.size).toBe(0);
  });

  it("rejects with a StanzaError on an error reply, and ignores stanzas that answer nothing of ours", async () => {
    const { iq } = caller();
    const answer = iq.request(xml("iq", { type: "set", id: "a1" }));
    expect(iq.handle(parseXml("<iq type='result' id='other'/>"))).toBe(false);
    expect(iq.handle(parseXml("<iq type='get' id='a1'/>"))).toBe(false);
    const error = parseXml(
      "<iq type='error' id='a1'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    expect(iq.handle(error)).toBe(true);
    await expect(answer).rejects.toSatisfy(
      (e) => e instanceof StanzaError && e.condition === "item-not-found",
    );
  });

  it("times out with an IqTimeoutError named as @xmpp names its timeouts, leaving no entry", async () => {
    vi.useFakeTimers();
    const { iq } = caller();
    const answer = iq.request(xml("iq", { type: "get", id: "t1" }), 500);
    const check = expect(answer).rejects.toSatisfy(
      (e) => e instanceof IqTimeoutError && (e as Error).name === "TimeoutError" && e.timeoutMs === 500,
    );
    await vi.advanceTimersByTimeAsync(500);
    await check;
    expect(iq.size).toBe(0);
  });

  it("fails at once when sending fails or when the link drops (rejectAll)", async () => {
    const failing = caller(vi.fn(async () => Promise.reject(new Error("socket closed"))));
    await expect(failing.iq.request(xml("iq", { type: "get" }))).rejects.toThrow("socket closed");
    expect(failing.iq.size).toBe(0);

    const { iq } = caller();
    const pending = [iq.request(xml("iq", { type: "get" })), iq.request(xml("iq", { type: "set" }))];
    iq.rejectAll(new Error("link lost"));
    for (const p of pending) await expect(p).rejects.toThrow("link lost");
    expect(iq.size).toBe(0);
  });
});
