import { describe, expect, it } from "vitest";
import { AgentClock } from "../../../../agent/clock";
import { ensureNode, publishOutcome, readingsPublisher } from "../../../../agent/xmpp/pubsub";
import { measureOffset, parseTimeResult } from "../../../../agent/xmpp/time";
import { encodingOf, makeEncodedReadingsPayload } from "../../../../shared/exi/payload";
import { silentLogger } from "../../../../shared/log";
import { StanzaError } from "../../../../shared/xmpp/stanza-error";
import { parseXml } from "../../../helpers/stanza";

const errorReply = (type: string, condition: string) =>
  StanzaError.fromStanza(
    parseXml(
      `<iq type='error'><error type='${type}'><${condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
    ),
  );

describe("publish outcomes", () => {
  it("maps error types onto the outbox's outcomes; anything else waits", () => {
    expect(publishOutcome(errorReply("wait", "resource-constraint")).kind).toBe("wait");
    expect(publishOutcome(errorReply("modify", "bad-request")).kind).toBe("modify");
    expect(publishOutcome(errorReply("cancel", "conflict"))).toEqual({ kind: "cancel", reason: "conflict" });
    expect(publishOutcome(errorReply("auth", "forbidden")).kind).toBe("auth");
    expect(publishOutcome(new Error("no answer to IQ x within 3000 ms")).kind).toBe("wait");
    const libraryError = Object.assign(new Error("forbidden"), {
      name: "StanzaError",
      type: "auth",
      condition: "forbidden",
    });
    expect(publishOutcome(libraryError).kind).toBe("auth");
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
    expect(sample).toEqual({ offsetMs: 10_450, rttMs: 100 });
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
