/* The agent's XEP-0030 disco#info: what a client may use on the device.
 * References: XEP-0030 §3.1 (identity and features; an unknown node is item-not-found, §3.2),
 * XEP-0323 §5 and XEP-0325 §5 (the sensor-data and control features), XEP-0184 §4 and XEP-0333 §3
 * (receipts and displayed markers on chat commands, agent/control/chat.ts). The XEP-0030 registry's
 * `client/bot` is the closest category: an automated client that people chat with. */
import xml, { type Element } from "@xmpp/xml";
import { makeError } from "../../shared/xmpp/errors";
import {
  NS_CHAT_MARKERS,
  NS_DISCO_INFO,
  NS_IOT_CONTROL,
  NS_IOT_SENSORDATA,
  NS_RECEIPTS,
} from "../../shared/xmpp/ns";

export const AGENT_FEATURES = [
  NS_DISCO_INFO,
  NS_IOT_SENSORDATA,
  NS_IOT_CONTROL,
  NS_RECEIPTS,
  NS_CHAT_MARKERS,
];

/** Answers a disco#info query (`element`) for the device `deviceId`. */
export function discoInfo(deviceId: string, element: Element): Element {
  if (element.attrs.node !== undefined) return makeError("item-not-found");
  return xml(
    "query",
    { xmlns: NS_DISCO_INFO },
    xml("identity", { category: "client", type: "bot", name: `xiot device ${deviceId}` }),
    ...AGENT_FEATURES.map((f) => xml("feature", { var: f })),
  );
}
