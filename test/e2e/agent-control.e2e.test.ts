import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { type CommandMeta, makeControlSet } from "../../shared/xmpp/control";
import { NS_IOT_CONTROL, NS_IOT_SENSORDATA, NS_XIOT_COMMAND } from "../../shared/xmpp/ns";
import { makeReadoutRequest, parseFields } from "../../shared/xmpp/sensordata";
import type { StanzaError } from "../../shared/xmpp/stanza-error";
import { type AgentRun, readJsonLines, runAgent } from "../helpers/agent/e2e";
import { type Account, startServer, type TestServer } from "./server";

interface LogLine {
  channel: string;
  value: unknown;
  from: string;
  via: string;
  cmd?: string;
}

describe("xiot agent: readout, control and chat round trips", () => {
  let server: TestServer;
  let device: Account;
  let operator: ClientConnection;
  let stranger: ClientConnection;
  let operatorJid: string;
  let run: AgentRun;
  let agentJid: string;
  const actuatorLog = () => readJsonLines<LogLine>(join(run.stateDir, "actuators.jsonl"));

  beforeAll(async () => {
    server = await startServer();
    await server.hub();
    device = await server.register(`agent-ctl-${process.pid}`);
    const op = await server.register();
    operatorJid = op.jid;
    run = runAgent({ server, account: device, allow: [op.jid] });
    agentJid = (await run.proc.ready<{ jid: string }>(30_000)).jid;
    operator = await server.client(op);
    stranger = await server.client(await server.register());
  });
  afterAll(async () => {
    await run?.proc.stop();
    await server?.stop();
  });

  const nextMessage = async (from: ClientConnection, match: (m: Element) => boolean): Promise<Element> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no message")), 10_000);
      const onStanza = (s: Element) => {
        if (!s.is("message") || !match(s)) return;
        clearTimeout(timer);
        from.xmpp.removeListener("stanza", onStanza);
        resolve(s);
      };
      from.xmpp.on("stanza", onStanza);
    });
  const chat = async (who: ClientConnection, body: string) => {
    const reply = nextMessage(
      who,
      (m) => m.getChildText("body") !== null && String(m.attrs.from) === agentJid,
    );
    await who.send(xml("message", { to: agentJid, type: "chat" }, xml("body", {}, body)));
    return (await reply).getChildText("body") ?? "";
  };
  const control = (who: ClientConnection, params: Parameters<typeof makeControlSet>[0], cmd?: CommandMeta) =>
    who.request(xml("iq", { type: "set", to: agentJid }, makeControlSet(params, cmd)));
  const refusal = async (p: Promise<unknown>) => {
    const error = (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as StanzaError | undefined;
    if (!error) throw new Error("expected an error reply");
    return error;
  };

  it("answers a momentary readout with accepted, then fields with units and timestamps", async () => {
    const fields = nextMessage(operator, (m) => m.getChild("fields", NS_IOT_SENSORDATA) !== undefined);
    const result = await operator.request(xml("iq", { type: "get", to: agentJid }, makeReadoutRequest("r1")));
    expect(result.getChild("accepted", NS_IOT_SENSORDATA)?.attrs.id).toBe("r1");
    const parsed = parseFields((await fields).getChild("fields", NS_IOT_SENSORDATA) as Element);
    expect(parsed?.id).toBe("r1");
    expect(parsed?.done).toBe(true);
    const byName = new Map(parsed?.fields.map((f) => [f.name, f]));
    expect(byName.get("temperature")).toMatchObject({ unit: "°C" });
    expect(typeof byName.get("temperature")?.value).toBe("number");
    expect(Math.abs((byName.get("temperature")?.t ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(byName.get("relay")?.value).toBe(false);

    const one = nextMessage(operator, (m) => m.getChild("fields", NS_IOT_SENSORDATA)?.attrs.id === "r2");
    await operator.request(xml("iq", { type: "get", to: agentJid }, makeReadoutRequest("r2", ["humidity"])));
    expect(
      parseFields((await one).getChild("fields", NS_IOT_SENSORDATA) as Element)?.fields.map((f) => f.name),
    ).toEqual(["humidity"]);
  });

  it("refuses a readout from a JID that is not allowed", async () => {
    const error = await refusal(
      stranger.request(xml("iq", { type: "get", to: agentJid }, makeReadoutRequest("r3"))),
    );
    expect(error.condition).toBe("forbidden");
  });

  it("sets the relay, answers when done, and logs the change", async () => {
    const result = await control(operator, [{ name: "relay", type: "boolean", value: true }]);
    expect(result.getChild("setResponse", NS_IOT_CONTROL)).toBeDefined();
    expect(actuatorLog().at(-1)).toMatchObject({
      channel: "relay",
      value: true,
      from: operatorJid,
      via: "xep-0325",
    });
  });

  it("names an unknown field; refuses an unauthorized JID and nothing moves", async () => {
    const unknown = await refusal(control(operator, [{ name: "nope", type: "boolean", value: true }]));
    expect(unknown.condition).toBe("item-not-found");
    expect(unknown.message).toContain('unknown field "nope"');
    const before = actuatorLog().length;
    const denied = await refusal(control(stranger, [{ name: "relay", type: "boolean", value: false }]));
    expect(denied.condition).toBe("forbidden");
    expect(await chat(stranger, "relay off")).toBe(`Refused: you have no access to ${device.username}.`);
    expect(actuatorLog().length).toBe(before);
    expect(await chat(operator, "relay?")).toBe("relay: on");
  });

  it("applies a command id once, refuses it past its TTL, refuses a lower seq", async () => {
    const now = Date.now();
    const before = actuatorLog().length;
    await control(operator, [{ name: "relay", type: "boolean", value: false }], {
      id: "c1",
      issued: now,
      ttl: 60_000,
      seq: 5,
    });
    // The same id again is not applied again; it asks for on while c1 left the relay off, so it
    // is not reported done either (docs/design.md §2).
    const repeated = await refusal(
      control(operator, [{ name: "relay", type: "boolean", value: true }], {
        id: "c1",
        issued: now,
        ttl: 60_000,
        seq: 5,
      }),
    );
    expect(repeated.condition).toBe("conflict");
    expect(repeated.application).toBeUndefined(); // not a stale seq: the plain conflict
    expect(actuatorLog().length).toBe(before + 1);
    // A lower seq from the same issuer is refused, never acknowledged as done, and says so.
    const lower = await refusal(
      control(operator, [{ name: "relay", type: "boolean", value: true }], {
        id: "c2",
        issued: now,
        ttl: 60_000,
        seq: 3,
      }),
    );
    expect([lower.type, lower.condition]).toEqual(["cancel", "conflict"]);
    expect([lower.application?.name, lower.application?.attrs]).toEqual([
      "stale-seq",
      { xmlns: NS_XIOT_COMMAND, var: "relay" },
    ]);
    expect(actuatorLog().length).toBe(before + 1);
    const expired = await refusal(
      control(operator, [{ name: "relay", type: "boolean", value: true }], {
        id: "c3",
        issued: now - 3_600_000,
        ttl: 1000,
      }),
    );
    expect([expired.type, expired.condition, expired.application]).toEqual([
      "cancel",
      "not-acceptable",
      undefined,
    ]);
    expect(actuatorLog().length).toBe(before + 1);
    expect(await chat(operator, "relay?")).toBe("relay: off");
  });

  it("chat: help, status, a reading, a switch", async () => {
    expect(await chat(operator, "help")).toContain("set <channel> <value>");
    expect(await chat(operator, "status")).toContain(`${device.username}: up`);
    expect(await chat(operator, "temperature?")).toMatch(/^temperature: -?\d+(\.\d+)? °C$/);
    expect(await chat(operator, "relay on")).toBe("Done: relay is on.");
    expect(await chat(operator, "set relay off")).toBe("Done: relay is off.");
    expect(await chat(operator, "dance")).toContain("I don't understand");
    expect(
      actuatorLog()
        .slice(-2)
        .map((l) => [l.value, l.via]),
    ).toEqual([
      [true, "chat"],
      [false, "chat"],
    ]);
  });

  it("remembers command ids across a restart, and applies the safe state on SIGTERM", async () => {
    await control(operator, [{ name: "relay", type: "boolean", value: true }], {
      id: "c9",
      issued: Date.now(),
      ttl: 600_000,
    });
    expect(await run.proc.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(actuatorLog().at(-1)).toMatchObject({ channel: "relay", value: false, via: "safe-state" });
    run = runAgent({ server, account: device, allow: [operatorJid], stateDir: run.stateDir });
    await run.proc.ready(30_000);
    const before = actuatorLog().length;
    // c9 is remembered: not applied again, and not "done" since the safe state moved the relay.
    const repeated = await refusal(
      control(operator, [{ name: "relay", type: "boolean", value: true }], {
        id: "c9",
        issued: Date.now(),
        ttl: 600_000,
      }),
    );
    expect(repeated.condition).toBe("conflict");
    expect(actuatorLog().length).toBe(before);
    expect(await chat(operator, "relay?")).toBe("relay: off");
  });
});
