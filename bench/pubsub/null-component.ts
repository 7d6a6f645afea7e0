/* The do-nothing PubSub component: the ceiling of any component behind a given Prosody. It acks a
 * publish at once and forwards the item to the node's subscribers, stores nothing, records
 * subscribers, and answers every other IQ with an empty result. Run as its own process by the
 * benchmark, configured through XIOT_NULL_SERVICE, XIOT_NULL_DOMAIN and XIOT_NULL_PASSWORD.
 * References: XEP-0114 (component), XEP-0060 §7.1.2 (publish result, notification), §6.1.2. */
import xml, { type Element } from "@xmpp/xml";
import { createLogger } from "../../shared/log";
import { createComponent } from "../../shared/xmpp/component";
import { NS_PUBSUB, NS_PUBSUB_EVENT, NS_PUBSUB_OWNER } from "../../shared/xmpp/ns";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`null-component: ${name} is not set`);
  return value;
};
const log = createLogger({ level: "warn", name: "null-component" });
const domain = env("XIOT_NULL_DOMAIN");
const component = createComponent({
  config: { service: env("XIOT_NULL_SERVICE"), domain, password: env("XIOT_NULL_PASSWORD") },
  log,
});
const subscribers = new Map<string, Set<string>>();
// Notifications carry a message id, as those of Prosody's mod_pubsub and of the hub do.
let sequence = 0;

const send = (stanza: Element) => {
  component.send(stanza).catch((error: Error) => log.error({ err: error }, "send failed"));
};

component.onStanza((iq) => {
  if (iq.name !== "iq" || (iq.attrs.type !== "set" && iq.attrs.type !== "get")) return;
  const pubsub = iq.getChild("pubsub", NS_PUBSUB) ?? iq.getChild("pubsub", NS_PUBSUB_OWNER);
  const action = pubsub?.children.find((c): c is Element => typeof c !== "string");
  const node = String(action?.attrs.node ?? "");
  const reply = (...children: Element[]) =>
    send(xml("iq", { type: "result", id: iq.attrs.id, to: iq.attrs.from, from: domain }, ...children));
  if (action?.name === "publish") {
    const item = action.getChild("item");
    const id = String(item?.attrs.id ?? "");
    reply(xml("pubsub", { xmlns: NS_PUBSUB }, xml("publish", { node }, xml("item", { id }))));
    if (!item) return;
    for (const to of subscribers.get(node) ?? []) {
      const items = xml("items", { node }, item);
      send(
        xml(
          "message",
          { to, from: domain, type: "headline", id: `n${(sequence++).toString(36)}` },
          xml("event", { xmlns: NS_PUBSUB_EVENT }, items),
        ),
      );
    }
  } else if (action?.name === "subscribe") {
    const jid = String(action.attrs.jid ?? iq.attrs.from);
    subscribers.set(node, (subscribers.get(node) ?? new Set()).add(jid));
    reply(
      xml("pubsub", { xmlns: NS_PUBSUB }, xml("subscription", { node, jid, subscription: "subscribed" })),
    );
  } else {
    if (action?.name === "delete") subscribers.delete(node);
    reply();
  }
});

const stop = () => {
  component
    .stop()
    .catch((error: Error) => log.error({ err: error }, "stop failed"))
    .finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
// The benchmark holds our stdin: its end means the benchmark is gone, so nothing should outlive it.
process.stdin.once("end", stop).resume();
await component.start();
process.stdout.write(`${JSON.stringify({ ready: true, jid: domain })}\n`);
