/* Sees readings publishes through the PubSub service's events: every publish to
 * devices/<id>/readings the service accepted (a new item, or an idempotent republish, which
 * proves a live session just as well) is reported with its publisher.
 * References: XEP-0060 §7.1.2 (an accepted publish), docs/design.md §2 (readings node names,
 * append-only readings), hub/pubsub/events.ts (published, republished). */
import { parseDeviceNode } from "../../shared/model";
import { createServiceListener, type ServiceEvents, type ServiceListenerHandle } from "../pubsub/events";

/** The device id of a readings node name, or undefined. */
export function readingsDeviceOf(node: string | undefined): string | undefined {
  const device = node === undefined ? undefined : parseDeviceNode(node);
  return device?.kind === "readings" ? device.deviceId : undefined;
}

export type ReadingObserver = (deviceId: string, publisher: string) => void | Promise<void>;

/** Listens while started; accepted readings publishes reach `observer`. */
export function watchReadings(events: ServiceEvents, observer: ReadingObserver): ServiceListenerHandle {
  const onPublish = async (event: { node: string; publisher: string }): Promise<void> => {
    const device = readingsDeviceOf(event.node);
    if (device !== undefined) await observer(device, event.publisher);
  };
  return createServiceListener(events, { published: onPublish, republished: onPublish });
}
