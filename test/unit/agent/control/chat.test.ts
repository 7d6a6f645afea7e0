import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import type { OpenChannel } from "../../../../agent/channels";
import { Actuators } from "../../../../agent/control/actuators";
import { type ChatOptions, chatHandler } from "../../../../agent/control/chat";
import { SeenCommands } from "../../../../agent/control/seen";
import { findDefinition } from "../../../../devices";
import { simulatedRelay } from "../../../../devices/simulated/drivers";
import type { ActuatorChannel, SensorChannel } from "../../../../devices/types";
import { silentLogger } from "../../../../shared/log";
import { NS_CHAT_MARKERS, NS_DELAY, NS_RECEIPTS, NS_XIOT_CHAT_REPLY } from "../../../../shared/xmpp/ns";
import { manualClock } from "../../../helpers/devices/clock";

const OWNER = "op@example.org";
const READER = "reader@example.org";
const NOW = 1_000_000;

const relay: ActuatorChannel = {
  role: "actuator",
  name: "relay",
  kind: "switch",
  valueType: "boolean",
  safeState: false,
};
const temperature: SensorChannel = {
  role: "sensor",
  name: "temperature",
  kind: "temperature",
  unit: "°C",
  valueType: "number",
};

async function device(extra: Partial<ChatOptions> = {}) {
  const clock = manualClock(NOW);
  const base = {
    config: {} as OpenChannel["config"],
    definition: findDefinition("sim-relay") as OpenChannel["definition"],
    options: {},
  };
  const relayOpen: OpenChannel = {
    ...base,
    key: "relay",
    channels: [relay],
    names: new Map([["relay", "relay"]]),
    driver: simulatedRelay("relay", { initial: false, delayMs: 0 }, clock),
  };
  const sensor: OpenChannel = {
    ...base,
    key: "t",
    channels: [temperature],
    names: new Map([["temperature", "temperature"]]),
    driver: {
      acquisition: "poll",
      read: async () => ({ temperature: { value: 21.5, t: NOW } }),
      close: async () => undefined,
    },
  };
  const dir = mkdtempSync(join(tmpdir(), "xiot-chat-"));
  const actuators = new Actuators({
    actuators: [{ channel: relay, open: relayOpen }],
    stateDir: dir,
    seen: await SeenCommands.open(dir, NOW),
    hubNow: () => NOW,
    log: silentLogger(),
    onChange: () => undefined,
  });
  const sent: Element[] = [];
  const bare = (from: string | undefined) => from?.split("/")[0] ?? "";
  const handle = chatHandler({
    deviceId: "kitchen-1",
    channels: [relayOpen, sensor],
    actuators,
    allowed: {
      mayRead: async (from) => [OWNER, READER].includes(bare(from)),
      mayControl: async (from) => bare(from) === OWNER,
      onMessage: () => false,
    },
    chatTtlMs: 60_000,
    status: () => "kitchen-1: up 5 s",
    send: async (s) => void sent.push(s),
    log: silentLogger(),
    now: () => NOW,
    ...extra,
  });
  const say = async (text: string, from = `${OWNER}/phone`, ...children: Element[]) => {
    const before = sent.length;
    await handle(xml("message", { from, type: "chat", id: "m1" }, xml("body", {}, text), ...children));
    expect(sent.length).toBe(before + 1);
    return sent.at(-1)?.getChildText("body");
  };
  return { say, sent, handle };
}

describe("chat with a device", () => {
  it("reads, switches and sets with the wording the hub uses", async () => {
    const d = await device();
    expect(await d.say("temperature?")).toBe("temperature: 21.5 °C");
    expect(await d.say("Relay ?")).toBe("relay: off");
    expect(await d.say("relay on")).toBe("Done: relay is on.");
    expect(await d.say("set relay 0")).toBe("Done: relay is off.");
    expect(await d.say("set relay yes")).toBe("Done: relay is on.");
    expect(await d.say("status")).toBe("kitchen-1: up 5 s\nrelay: on\ntemperature: 21.5 °C");
  });

  it("answers unknown channels, sensors, bad values and unknown text as the hub does", async () => {
    const d = await device();
    expect(await d.say("nope?")).toBe('kitchen-1 has no channel "nope"; its channels: relay, temperature.');
    expect(await d.say("nope on")).toBe(
      'Refused: kitchen-1 has no channel "nope"; its channels: relay, temperature.',
    );
    expect(await d.say("temperature on")).toBe("Refused: temperature is a sensor, not an actuator.");
    expect(await d.say("set relay maybe")).toMatch(/^Refused: relay: /);
    expect(await d.say("set relay")).toBe("Give the channel and the value. Usage: set <channel> <value>");
    expect(await d.say("dance")).toBe('I don\'t understand "dance". Send help for the list of commands.');
    expect(await d.say("stauts")).toBe('Did you mean "status"?');
    expect(await d.say("relay of")).toBe('Did you mean "relay off"?');
    expect(await d.say("sett relay on")).toBe('Did you mean "set relay on"?');
    expect(await d.say("restart")).toBe('I don\'t understand "restart". Send help for the list of commands.');
  });

  it("refuses those not allowed, as the hub words it", async () => {
    const d = await device();
    expect(await d.say("relay on", `${READER}/x`)).toBe(
      "Refused: you may read kitchen-1 but not control it.",
    );
    expect(await d.say("relay on", "eve@example.org/x")).toBe("Refused: you have no access to kitchen-1.");
    expect(await d.say("status", "eve@example.org/x")).toBe("You have no access to kitchen-1.");
    expect(await d.say("relay?", `${READER}/x`)).toBe("relay: off");
  });

  it("sends receipts and displayed markers to those who may read it, and to nobody else", async () => {
    const d = await device();
    const asked = (from: string) =>
      xml(
        "message",
        { from, type: "chat", id: "m-5" },
        xml("body", {}, "relay?"),
        xml("request", { xmlns: NS_RECEIPTS }),
        xml("markable", { xmlns: NS_CHAT_MARKERS }),
      );
    await d.handle(asked(`${READER}/x`));
    expect(d.sent.map((m) => m.getChildElements()[0]?.name)).toEqual(["received", "displayed", "body"]);
    expect(d.sent[0]?.attrs).toMatchObject({ to: `${READER}/x`, type: "chat" });
    expect(d.sent[0]?.getChild("received", NS_RECEIPTS)?.attrs.id).toBe("m-5");
    expect(d.sent[1]?.getChild("displayed", NS_CHAT_MARKERS)?.attrs.id).toBe("m-5");
    // XEP-0184 §8: a receipt would tell a stranger the device is online; the reply says no more
    // than that it has no access.
    d.sent.length = 0;
    await d.handle(asked("eve@example.org/x"));
    expect(d.sent.map((m) => m.getChildText("body"))).toEqual(["You have no access to kitchen-1."]);
  });

  it("lists its commands and channels; offers restart only when it can", async () => {
    const ops: string[] = [];
    const d = await device({ operate: (op, from) => ops.push(`${op} ${from}`) });
    const help = await d.say("help");
    expect(help?.split("\n")).toEqual([
      "Commands:",
      "status — uptime, clock, and every channel",
      "<channel>? — one channel's value",
      "<channel> on|off — switch an actuator",
      "set <channel> <value> — set an actuator",
      "restart — restart the agent",
      "reload — read the configuration again (restarts)",
      "channels: relay, temperature; actuators: relay",
    ]);
    expect(await d.say("reload config")).toBe(
      "Reloading the configuration: the agent restarts and reads it again.",
    );
    expect(ops).toEqual([`reload ${OWNER}`]);
  });

  it("refuses a command that waited too long, and answers once, marked as a reply", async () => {
    const d = await device();
    const stamp = new Date(NOW - 120_000).toISOString();
    expect(await d.say("relay on", `${OWNER}/x`, xml("delay", { xmlns: NS_DELAY, stamp }))).toBe(
      "That command was sent 2 min ago and was not run. Send it again if you still want it.",
    );
    const reply = d.sent.at(-1);
    expect(reply?.attrs).toEqual({ type: "chat", to: `${OWNER}/x`, id: "m1-reply" });
    expect(reply?.getChild("reply", NS_XIOT_CHAT_REPLY)).toBeDefined();
    await d.handle(xml("message", { from: OWNER, type: "groupchat" }, xml("body", {}, "relay on")));
    await d.handle(xml("message", { from: OWNER, type: "chat" }, xml("body", {}, "  ")));
    expect(d.sent).toHaveLength(1);
  });
});
