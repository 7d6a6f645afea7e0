/* The device registry's part of the one access rule: a device node's readers, from the node name.
 * References: docs/design.md §2 (a device's nodes live under `devices/<deviceId>/`), XEP-0324 §3
 * (read permission decided by the registry; deferred, used as a guide), hub/access/rule.ts. */
import { deviceOfNode } from "../devices/node-rules";
import type { DeviceReaders } from "./rule";

export interface RegistryReaders {
  /** Bare JIDs that may read the device now; undefined for a device the registry does not know. */
  readers(deviceId: string): Promise<ReadonlySet<string> | undefined>;
}

/** Nodes outside `devices/<id>/`, and nodes of unknown devices, have no registry part. */
export function deviceReaders(registry: RegistryReaders): DeviceReaders {
  return {
    async readersOf(node) {
      const device = deviceOfNode(node);
      return device === undefined ? undefined : registry.readers(device);
    },
  };
}
