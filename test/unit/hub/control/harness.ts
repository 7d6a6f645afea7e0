/* The control service over the real device service and an in-memory control store, with a
 * scripted agent behind a fake IQ caller, stored meta/state items and a settable availability. */
import xml, { type Element } from "@xmpp/xml";
import { createControlCommands, createControlStages } from "../../../../hub/control/adhoc";
import { createChatControl } from "../../../../hub/control/chat";
import { createDeviceInfo } from "../../../../hub/control/device-info";
import { type Availability, createCommandLifecycle } from "../../../../hub/control/lifecycle";
import { createQueries } from "../../../../hub/control/queries";
import { createReadout } from "../../../../hub/control/readout";
import { openControlStore } from "../../../../hub/control/store";
import { pageNewestFirst } from "../../../../hub/pubsub/storage/memory";
import type { StoredItem } from "../../../../hub/pubsub/storage/types";
import { metaNode, stateNode } from "../../../../shared/model";
import { parseCommandMeta, parseControlSet } from "../../../../shared/xmpp/control";
import { NS_IOT_CONTROL, NS_XIOT_META, NS_XIOT_STATE } from "../../../../shared/xmpp/ns";
import { setup } from "../devices/setup";

export type AgentAnswer = (iq: Element) => Promise<Element>;

export const META = {
  v: 1,
  dev: "kitchen",
  model: "xiot-simulated",
  channels: [{ name: "temperature", kind: "temperature", unit: "°C", valueType: "number" }],
  actuators: [
    { name: "relay", kind: "switch", valueType: "boolean", safeState: false },
    { name: "target", kind: "setpoint", valueType: "number", safeState: 0 },
  ],
};

/** An agent that applies every set (answers setResponse) and records it. */
export function applyingAgent(sent: Element[]): AgentAnswer {
  return async (iq) => {
    sent.push(iq);
    return xml("iq", { type: "result", id: iq.attrs.id }, xml("setResponse", { xmlns: NS_IOT_CONTROL }));
  };
}

export async function controlHarness(path = ":memory:") {
  const s = setup();
  const { claimKey } = await s.provision("kitchen");
  const sent: Element[] = [];
  const items = new Map<string, StoredItem>();
  const put = (node: string, payload: Element) =>
    items.set(node, {
      id: "current",
      payload: payload.toString(),
      publisher: "kitchen@example.org/agent",
      published: s.now(),
    });
  put(metaNode("kitchen"), xml("meta", { xmlns: NS_XIOT_META }, JSON.stringify(META)));
  put(
    stateNode("kitchen"),
    xml(
      "state",
      { xmlns: NS_XIOT_STATE },
      JSON.stringify({ v: 1, t: s.now(), actuators: { relay: { v: false, t: s.now() } } }),
    ),
  );
  const avail = new Map<string, Availability>([["kitchen", "online"]]);
  const h = {
    ...s,
    claimKey,
    sent,
    items,
    avail,
    answer: applyingAgent(sent) as AgentAnswer,
    online: true,
    linkBack: true,
  };
  const iq = { request: (stanza: Element) => h.answer(stanza) };
  const store = openControlStore(path);
  const info = createDeviceInfo({
    lastItem: async (node) => items.get(node),
    getItems: async (node, query) =>
      pageNewestFirst(
        [items.get(node)].filter((i) => i !== undefined),
        query,
      ),
  });
  const exists = async (id: string) => (await s.service.access(id)).ok;
  const router = createCommandLifecycle({
    iq,
    hubJid: "hub.example.org",
    domain: "example.org",
    clock: { now: s.now },
    store,
    devices: { exists, roleOf: s.service.roleOf },
    availability: (id) => avail.get(id),
    info,
    whenOnline: async () => h.linkBack,
    settings: { timeoutMs: 5000, ttlMs: 5000 },
  });
  const readout = createReadout({ iq, hubJid: "hub.example.org", domain: "example.org", timeoutMs: 1000 });
  const queries = createQueries({
    devices: { exists, roleOf: s.service.roleOf, audit: async () => [] },
    availability: (id) => ({ availability: avail.get(id), since: s.now() }),
    info,
    readout,
    store,
  });
  const listDevices = async (who: string) => {
    const r = await s.service.listDevices(who);
    return r.ok ? r.value : [];
  };
  const stages = createControlStages({ listDevices, info, router, queries, clock: { now: s.now } });
  return {
    h,
    store,
    router,
    queries,
    readout,
    stages,
    commands: createControlCommands(stages, "hub.example.org"),
    chat: createChatControl({
      router,
      queries,
      clock: { now: s.now },
      availability: (id) => ({ availability: avail.get(id), since: s.now() }),
    }),
    /** The <cmd/> and parameters of the n-th set sent. */
    setOf(n: number) {
      const set = sent[n]?.getChild("set", NS_IOT_CONTROL) as Element;
      const cmd = parseCommandMeta(set);
      const params = parseControlSet(set);
      return {
        to: sent[n]?.attrs.to,
        cmd: cmd?.ok ? cmd.value : undefined,
        params: params.ok ? params.value : [],
      };
    },
  };
}
