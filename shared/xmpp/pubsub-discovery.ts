/* Finding the devices a user may see on the hub: the nodes it lists (disco#items) and its device
 * registry's <devices/> list. Pure make/parse functions for the dashboard and the CLI.
 * References: XEP-0060 §5.2 (discover nodes), XEP-0030 §4.1 (disco#items), docs/provisioning.md
 * (<devices/> list with model, owner, role, availability and last reading), docs/design.md §2
 * (node names). */
import xml, { type Element } from "@xmpp/xml";
import { parseDeviceNode } from "../model";
import { NS_DISCO_ITEMS, NS_XIOT_PROVISIONING } from "./ns";

// XEP-0060 §5.2: the nodes the user may see.
export const makeDiscoItems = (hub: string): Element =>
  xml("iq", { type: "get", to: hub }, xml("query", { xmlns: NS_DISCO_ITEMS }));

/** Device ids named by the nodes of a disco#items answer, each once, in order. */
export function parseDiscoDevices(result: Element): string[] {
  const items = result.getChild("query", NS_DISCO_ITEMS)?.getChildren("item") ?? [];
  const ids = items.map((i) => parseDeviceNode(String(i.attrs.node ?? ""))?.deviceId);
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

export const makeDeviceList = (hub: string): Element =>
  xml("iq", { type: "get", to: hub }, xml("devices", { xmlns: NS_XIOT_PROVISIONING }));

/** One <device/> of the hub's list; attributes the hub leaves out are undefined (empty for the
 * first four). */
export interface DeviceListEntry {
  id: string;
  model: string;
  state: string;
  role: string;
  owner: string | undefined;
  availability: string | undefined;
  since: string | undefined;
  lastReading: string | undefined;
}

/** The hub's <devices/> list; undefined when the answer carries none. */
export function parseDeviceList(answer: Element): DeviceListEntry[] | undefined {
  const list = answer.getChild("devices", NS_XIOT_PROVISIONING);
  if (!list) return undefined;
  const a = (el: Element, name: string) => el.attrs[name] as string | undefined;
  return list.getChildren("device").map((d) => ({
    id: a(d, "id") ?? "",
    model: a(d, "model") ?? "",
    state: a(d, "state") ?? "",
    role: a(d, "role") ?? "",
    owner: a(d, "owner"),
    availability: a(d, "availability"),
    since: a(d, "since"),
    lastReading: a(d, "last-reading"),
  }));
}
