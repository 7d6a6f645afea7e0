/* The agent's meta document, from its open channels (the document, its payload and the state
 * payload are in shared/xmpp/pubsub-device.ts).
 * References: docs/design.md §2 (`devices/<id>/meta`: model, channels with kind, unit and range,
 * actuators with value type and safe state), docs/protocol.md. */
import type { MetaDocument } from "../shared/xmpp/pubsub-device";
import type { OpenChannel } from "./channels";

export function metaDocument(o: {
  deviceId: string;
  model: string;
  version: string;
  channels: OpenChannel[];
}): MetaDocument {
  const meta: MetaDocument = {
    v: 1,
    dev: o.deviceId,
    model: o.model,
    version: o.version,
    channels: [],
    actuators: [],
  };
  for (const open of o.channels) {
    for (const c of open.channels) {
      if (c.role === "actuator") {
        meta.actuators.push({
          name: c.name,
          kind: c.kind,
          valueType: c.valueType,
          safeState: c.safeState,
          model: open.definition.model,
          ...(c.unit !== undefined ? { unit: c.unit } : {}),
          ...(c.range ? { range: c.range } : {}),
        });
        continue;
      }
      meta.channels.push({
        name: c.name,
        kind: c.kind,
        unit: c.unit,
        valueType: c.valueType,
        model: open.definition.model,
        ...(c.range ? { range: c.range } : {}),
        ...(open.driver.acquisition === "poll" ? { intervalMs: open.config.intervalMs } : {}),
      });
    }
  }
  return meta;
}
