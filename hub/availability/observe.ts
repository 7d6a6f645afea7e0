/* Sees readings publishes without touching the PubSub service: the hub's `<pubsub/>` set route
 * is wrapped, and a publish to devices/<id>/readings that the service acknowledged is reported.
 * References: XEP-0060 §7.1.2 (a publish succeeded when the IQ result is not an error),
 * docs/design.md §2 (readings node names). */
import { parseDeviceNode } from "../../shared/model";
import { NS_PUBSUB } from "../../shared/xmpp/ns";
import type { IqRoute } from "../iq-types";

/** The device id of a readings node name, or undefined. */
export function readingsDeviceOf(node: string | undefined): string | undefined {
  const device = node === undefined ? undefined : parseDeviceNode(node);
  return device?.kind === "readings" ? device.deviceId : undefined;
}

export type ReadingObserver = (deviceId: string, publisher: string) => void | Promise<void>;

/** The same routes; acknowledged readings publishes also reach `observer`. */
export function observeReadings(routes: IqRoute[], observer: ReadingObserver): IqRoute[] {
  return routes.map((route) => {
    if (route.type !== "set" || route.ns !== NS_PUBSUB || route.name !== "pubsub") return route;
    return {
      ...route,
      handler: async (iq) => {
        const answer = await route.handler(iq);
        if (answer?.name === "error") return answer;
        const device = readingsDeviceOf(iq.child.getChild("publish")?.attrs.node as string | undefined);
        if (device !== undefined) await observer(device, iq.from);
        return answer;
      },
    };
  });
}
