import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { AgentClock } from "../../../../agent/clock";
import { ensureNode, publishOutcome, readingsPublisher } from "../../../../agent/xmpp/pubsub";
import { learnOffset, measureOffset, parseTimeResult } from "../../../../agent/xmpp/time";
import { encodingOf, makeEncodedReadingsPayload } from "../../../../shared/exi/payload";
import { silentLogger } from "../../../../shared/log";
import { StanzaError } from "../../../../shared/xmpp/stanza-error";
import { parseXml } from "../../../helpers/stanza";

const errorReply = (type: string, condition: string, app?: string) =>
  StanzaError.fromStanza(
    parseXml(
      `<iq type='error'><error type='${type}'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>${
        app ? `<${app} xmlns='http://jabber.org/protocol/pubsub#errors'/>` : ""
      }</error></iq>`,
    ),
  );

describe("publish outcomes", () => {
  // Only a refusal of the document itself quarantines it; every condition that may clear is retried,
  // whatever its error type (docs/protocol.md, "Publish errors").
  const cases: [type: string, condition: string, app: string | undefined, kind: "wait" | "refused"][] = [
    ["modify", "bad-request", "invalid-payload", "refused"],
    ["modify", "not-acceptable", "payload-too-big", "refused"],
    ["cancel", "conflict", undefined, "refused"],
    ["modify", "bad-request", undefined, "refused"],
    ["wait", "resource-constraint", undefined, "wait"],
    ["cancel", "internal-server-error", undefined, "wait"],
    ["wait", "internal-server-error", undefined, "wait"],
    ["cancel", "resource-constraint", undefined, "wait"],
    ["cancel", "remote-server-timeout", undefined, "wait"],
    ["cancel", "service-unavailable", undefined, "wait"],
    ["cancel", "item-not-found", undefined, "wait"],
    ["cancel", "undefined-condition", undefined, "wait"],
    ["cancel", "conflict", "precondition-not-met", "wait"],
    ["modify", "not-acceptable", "max-items-exceeded", "wait"],
    ["modify", "not-acceptable", undefined, "wait"],
    ["auth", "forbidden", undefined, "wait"],
    ["auth", "not-authorized", undefined, "wait"],
    ["wait", "policy-violation", undefined, "wait"],
  ];
  it.each(cases)("%s/%s %s → %s", (type, condition, app, kind) => {
    const outcome = publishOutcome(errorReply(type, condition, app));
    expect(outcome.kind).toBe(kind);
    expect(outcome).toHaveProperty("reason", `${type}/${condition}${app ? `+${app}` : ""}`);
  });

  it("retries a timeout or a lost link, and reads @xmpp's errors with their application condition", () => {
    expect(publishOutcome(new Error("no answer to IQ x within 3000 ms")).kind).toBe("wait");
    const libraryError = (type: string, condition: string, app?: string) =>
      Object.assign(new Error(condition), {
        name: "StanzaError",
        type,
        condition,
        element: parseXml(
          `<error type='${type}'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>${
            app ? `<${app} xmlns='http://jabber.org/protocol/pubsub#errors'/>` : ""
          }<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>why</text></error>`,
        ),
      });
    expect(publishOutcome(libraryError("auth", "forbidden")).kind).toBe("wait");
    expect(publishOutcome(libraryError("cancel", "internal-server-error")).kind).toBe("wait");
    expect(publishOutcome(libraryError("modify", "not-acceptable", "payload-too-big")).kind).toBe("refused");
    expect(publishOutcome(libraryError("cancel", "conflict", "precondition-not-met")).kind).toBe("wait");
  });

  it("publishes the stored bytes as what they are: EXI as base64, JSON as text", async () => {
    expect(encodingOf(Uint8Array.from([0x80, 1]))).toBe("exi4json");
    expect(makeEncodedReadingsPayload(Uint8Array.from([0x80, 0xff])).toString()).toBe(
      `<readings xmlns="urn:xiot:readings:0" encoding="exi4json">gP8=</readings>`,
    );
    expect(makeEncodedReadingsPayload(Buffer.from('{"v":1}')).toString()).toBe(
      `<readings xmlns="urn:xiot:readings:0" encoding="json">{"v":1}</readings>`,
    );
    const sent: string[] = [];
    const publish = readingsPublisher({
      request: async (iq, timeoutMs) => {
        sent.push(`${timeoutMs} ${iq.toString()}`);
        return iq;
      },
      hub: "hub.h",
      node: "devices/d/readings",
      timeoutMs: 1234,
    });
    const outcome = await publish({ key: 1, itemId: "1.abc-0", count: 1, payload: Buffer.from('{"v":1}') });
    expect(outcome).toEqual({ kind: "ok" });
    expect(sent).toEqual([
      `1234 <iq type="set" to="hub.h"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="devices/d/readings"><item id="1.abc-0"><readings xmlns="urn:xiot:readings:0" encoding="json">{"v":1}</readings></item></publish></pubsub></iq>`,
    ]);
  });

  it("takes an existing node (conflict) as ready and rethrows other refusals", async () => {
    expect(await ensureNode(async () => Promise.reject(errorReply("cancel", "conflict")), "hub", "n")).toBe(
      "exists",
    );
    await expect(
      ensureNode(async () => Promise.reject(errorReply("auth", "forbidden")), "hub", "n"),
    ).rejects.toThrow("forbidden");
  });
});

describe("the hub's clock", () => {
  it("reads XEP-0202 utc and centres a whole-second stamp in its second", async () => {
    const reply = parseXml(
      `<iq type='result'><time xmlns='urn:xmpp:time'><tzo>+00:00</tzo><utc>2026-01-01T00:00:10Z</utc></time></iq>`,
    );
    expect(parseTimeResult(reply)).toBe(Date.UTC(2026, 0, 1, 0, 0, 10));
    expect(
      parseTimeResult(parseXml(`<iq type='result'><time xmlns='urn:xmpp:time'><utc>soon</utc></time></iq>`)),
    ).toBeUndefined();
    const ticks = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 100];
    const now = () => ticks.shift() ?? 0;
    const sample = await measureOffset(async () => reply, "localhost", now);
    expect(sample).toEqual({ offsetMs: 10_450, rttMs: 100, uncertaintyMs: 551 });
  });

  it("centres a millisecond stamp in its millisecond and bounds the error by half the round trip", async () => {
    const reply = parseXml(
      `<iq type='result'><time xmlns='urn:xmpp:time'><tzo>+00:00</tzo><utc>2026-01-01T00:00:10.250Z</utc></time></iq>`,
    );
    const ticks = [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 8];
    const sample = await measureOffset(
      async () => reply,
      "hub",
      () => ticks.shift() ?? 0,
    );
    expect(sample).toEqual({ offsetMs: 10_247, rttMs: 8, uncertaintyMs: 6 });
  });

  it("keeps the sample with the shortest round trip", async () => {
    let t = 0;
    const rtts = [40, 4, 20];
    const asked: string[] = [];
    const server = async (iq: Element) => {
      asked.push(iq.attrs.to);
      const rtt = rtts.shift() ?? 0;
      t += rtt;
      return parseXml(
        `<iq type='result'><time xmlns='urn:xmpp:time'><utc>${new Date(t - rtt / 2).toISOString()}</utc></time></iq>`,
      );
    };
    const best = await learnOffset(server, "localhost", 3, () => t);
    expect(asked).toEqual(["localhost", "localhost", "localhost"]);
    expect(best).toMatchObject({ rttMs: 4, uncertaintyMs: 4 });
    expect(Math.abs(best.offsetMs)).toBeLessThanOrEqual(1);
    await expect(
      learnOffset(async () => Promise.reject(errorReply("cancel", "service-unavailable")), "localhost"),
    ).rejects.toThrow("service-unavailable");
  });

  it("decides synchronised from configuration, the system, or the learnt offset", async () => {
    const log = silentLogger();
    expect(new AgentClock({ mode: "true", maxOffsetMs: 1, log }).synced()).toBe(true);
    expect(new AgentClock({ mode: "false", maxOffsetMs: 1, log }).synced()).toBe(false);
    const unknown = new AgentClock({ mode: "auto", maxOffsetMs: 2000, log, probe: async () => "unknown" });
    await unknown.start();
    expect(unknown.synced()).toBe(false);
    unknown.setOffset(1500);
    expect(unknown.synced()).toBe(true);
    unknown.setOffset(-5000);
    expect(unknown.synced()).toBe(false);
    unknown.stop();
    const system = new AgentClock({
      mode: "auto",
      maxOffsetMs: 2000,
      log,
      probe: async () => "no",
      now: () => 100,
    });
    await system.start();
    system.setOffset(0);
    expect(system.synced()).toBe(false);
    expect(system.hubNow()).toBe(100);
    system.stop();
  });
});
