/* The delivery check shared by the agent's e2e and soak tests: after the agent stopped, the hub
 * holds every reading that passed the filters exactly once, each one as the driver produced it,
 * and the outbox is empty. */
import { join } from "node:path";
import { expect } from "vitest";
import { openFileOutboxStore } from "../../../agent/outbox/file";
import { readingsNode } from "../../../shared/model";
import type { ClientConnection } from "../../../shared/xmpp/client";
import { appended, batched, decodeItem, eventually, fetchAllItems, produced, readingKey } from "./e2e";

/** Waits until the hub holds every document the agent durably appended. */
export async function untilStored(
  client: ClientConnection,
  deviceId: string,
  stateDir: string,
  timeoutMs = 60_000,
) {
  const node = readingsNode(deviceId);
  await eventually(
    async () => {
      const ids = new Set(
        (await fetchAllItems(client, "hub.localhost", node)).map((i) => String(i.attrs.id)),
      );
      return appended(stateDir).every((a) => ids.has(a.id));
    },
    timeoutMs,
    500,
  );
}

export async function expectExactlyOnce(client: ClientConnection, deviceId: string, stateDir: string) {
  const docs = (await fetchAllItems(client, "hub.localhost", readingsNode(deviceId))).map(decodeItem);
  const stored = docs.flatMap((d) => d.r.map(readingKey));
  const expected = batched(stateDir).map(readingKey);
  expect(new Set(stored).size).toBe(stored.length); // nothing doubled
  expect([...stored].sort()).toEqual([...expected].sort()); // nothing lost
  const producedKeys = new Set(produced(stateDir).map(readingKey));
  expect(stored.every((k) => producedKeys.has(k))).toBe(true);
  expect(docs.some((d) => d.gap !== undefined)).toBe(false);
  const store = await openFileOutboxStore({ dir: join(stateDir, "outbox") });
  expect(store.usage().records).toBe(0);
  await store.close();
  return { documents: docs.length, readings: stored.length };
}
