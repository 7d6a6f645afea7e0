/* "Done" means it moved: the last `seq` is kept per channel and issuer (the sender's bare JID), so
 * no controller can lock out another's sequence, and a command the device does not apply is
 * answered with an error, never a setResponse or "Done". XEP-0325 and chat, hub and direct. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { OpenChannel } from "../../../../agent/channels";
import { Actuators } from "../../../../agent/control/actuators";
import { chatHandler } from "../../../../agent/control/chat";
import { controlHandler } from "../../../../agent/control/control-iq";
import { SEEN_FILE, SeenCommands } from "../../../../agent/control/seen";
import { findDefinition } from "../../../../devices";
import { simulatedRelay } from "../../../../devices/simulated/drivers";
import type { ActuatorChannel } from "../../../../devices/types";
import { silentLogger } from "../../../../shared/log";
import { type CommandMeta, makeCommandMeta, makeControlSet } from "../../../../shared/xmpp/control";
import { NS_STANZAS, NS_XIOT_COMMAND } from "../../../../shared/xmpp/ns";
import { manualClock } from "../../../helpers/devices/clock";

const NOW = 1_800_000_000_000;
const HUB = "hub.example.org";
const BOB = "bob@example.org";
const relay: ActuatorChannel = {
  role: "actuator",
  name: "relay",
  kind: "switch",
  valueType: "boolean",
  safeState: false,
};

async function board(dir = mkdtempSync(join(tmpdir(), "xiot-seq-"))) {
  const clock = manualClock(NOW);
  const open: OpenChannel = {
    key: "relay",
    config: {} as OpenChannel["config"],
    definition: findDefinition("sim-relay") as OpenChannel["definition"],
    options: {},
    channels: [relay],
    names: new Map([["relay", "relay"]]),
    driver: simulatedRelay("relay", { initial: false, delayMs: 0 }, clock),
  };
  const seen = await SeenCommands.open(dir, NOW);
  const changes: string[] = [];
  const actuators = new Actuators({
    actuators: [{ channel: relay, open }],
    stateDir: dir,
    seen,
    hubNow: () => NOW,
    log: silentLogger(),
    onChange: (_o, name, s) => changes.push(`${name}=${s.value}`),
  });
  const allowed = { mayRead: async () => true, mayControl: async () => true, onMessage: () => false };
  const iq = controlHandler({ actuators, allowed, log: silentLogger() });
  const set = (value: boolean, cmd: CommandMeta, from = HUB): Promise<Element> => {
    const element = makeControlSet([{ name: "relay", type: "boolean", value }], cmd);
    return iq({ stanza: xml("iq", { type: "set", from, id: "q" }, element), element });
  };
  const sent: Element[] = [];
  const chat = chatHandler({
    deviceId: "kitchen-1",
    channels: [open],
    actuators,
    allowed,
    chatTtlMs: 60_000,
    status: () => "up",
    send: async (s) => void sent.push(s),
    log: silentLogger(),
    now: () => NOW,
  });
  const say = async (text: string, cmd: CommandMeta, from = `${BOB}/phone`) => {
    await chat(xml("message", { from, type: "chat" }, xml("body", {}, text), makeCommandMeta(cmd)));
    return sent.at(-1)?.getChildText("body");
  };
  return { dir, seen, changes, set, say };
}

const cmd = (id: string, seq: number): CommandMeta => ({ id, issued: NOW - 100, ttl: 5000, seq });
const condition = (e: Element) => e.getChildElements().find((c) => c.attrs.xmlns === NS_STANZAS)?.name;
const apps = (e: Element) =>
  e
    .getChildElements()
    .filter((c) => c.attrs.xmlns !== NS_STANZAS)
    .map((c) => ({ name: c.name, attrs: c.attrs }));

describe("seq per channel and issuer", () => {
  it("XEP-0325: a direct seq=1000000 does not lock out the hub's sequence", async () => {
    const b = await board();
    expect((await b.set(true, cmd("bob-1", 1_000_000), `${BOB}/laptop`)).name).toBe("setResponse");
    expect((await b.set(false, cmd("hub-1", 5))).name).toBe("setResponse");
    expect((await b.set(true, cmd("hub-2", 6))).name).toBe("setResponse");
    expect(b.changes).toEqual(["relay=true", "relay=false", "relay=true"]);
  });

  it("XEP-0325: a lower seq of the same issuer is answered with an error, not a setResponse", async () => {
    const b = await board();
    expect((await b.set(true, cmd("hub-7", 7))).name).toBe("setResponse");
    const stale = await b.set(false, cmd("hub-6", 6));
    expect(stale.name).toBe("error");
    expect([stale.attrs.type, condition(stale)]).toEqual(["cancel", "conflict"]);
    expect(stale.getChildText("text", NS_STANZAS)).toBe(
      "a newer command for relay was applied first; this one was not applied (seq 6 < 7)",
    );
    // The one application condition names the refusal and the channel (no <paramError/> beside it).
    expect(apps(stale)).toEqual([{ name: "stale-seq", attrs: { xmlns: NS_XIOT_COMMAND, var: "relay" } }]);
    expect(b.changes).toEqual(["relay=true"]);
  });

  it("chat with <cmd/>: the same rule, and the reply says it was not applied", async () => {
    const b = await board();
    expect(await b.say("relay on", cmd("bob-9", 9))).toBe("Done: relay is on.");
    expect(await b.say("relay off", cmd("bob-8", 8))).toBe(
      "Refused: a newer command for relay was applied first; this one was not applied (seq 8 < 9).",
    );
    expect(await b.say("relay off", cmd("alice-1", 1), "alice@example.org/x")).toBe("Done: relay is off.");
    expect(b.changes).toEqual(["relay=true", "relay=false"]);
  });

  it("ids are per issuer too: another's id is not a duplicate", async () => {
    const b = await board();
    expect((await b.set(true, cmd("same", 1), `${BOB}/x`)).name).toBe("setResponse");
    expect((await b.set(false, cmd("same", 1))).name).toBe("setResponse");
    expect(b.changes).toEqual(["relay=true", "relay=false"]);
  });

  it("a repeated id is done only while the channel is as it asked", async () => {
    const b = await board();
    expect((await b.set(true, cmd("hub-1", 1))).name).toBe("setResponse");
    expect((await b.set(true, cmd("hub-1", 1))).name).toBe("setResponse"); // the hub's resend
    expect((await b.set(false, cmd("hub-2", 2))).name).toBe("setResponse");
    const late = await b.set(true, cmd("hub-1", 1));
    expect([late.name, condition(late)]).toEqual(["error", "conflict"]);
    // Not a stale seq (its seq was the newest when it ran): the plain conflict, as before.
    expect(apps(late)).toEqual([]);
    expect(late.getChildText("text", NS_STANZAS)).toBe(
      "relay: command hub-1 was received before and is not applied again; relay is now off",
    );
    expect(b.changes).toEqual(["relay=true", "relay=false"]);
  });

  it("keeps the seqs per issuer across a reopen, and drops those of the earlier format without one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-seq-"));
    writeFileSync(join(dir, SEEN_FILE), `${JSON.stringify({ seq: { relay: 1_000_000 } })}\n`);
    const b = await board(dir);
    expect((await b.set(true, cmd("hub-5", 5))).name).toBe("setResponse");
    expect((await b.set(false, cmd("bob-50", 50), `${BOB}/x`)).name).toBe("setResponse");
    b.seen.close();
    const again = await board(dir);
    expect(again.seen.lastSeq(HUB, "relay")).toBe(5);
    expect(again.seen.lastSeq(BOB, "relay")).toBe(50);
    expect(again.seen.has(HUB, "hub-5")).toBe(true);
    const stale = await again.set(true, cmd("hub-4", 4));
    expect([condition(stale), apps(stale)[0]?.name]).toEqual(["conflict", "stale-seq"]);
    expect((await again.set(true, cmd("hub-6", 6))).name).toBe("setResponse");
    again.seen.close();
  });
});
