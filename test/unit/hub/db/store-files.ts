/* The hub's three SQLite store files, for tests that treat them as a class: how to open each,
 * write a few pages of data into it, and make a write. */

import { openControlStore } from "../../../../hub/control/store";
import type { StorageCheck } from "../../../../hub/db/open";
import { openSqliteDeviceStore } from "../../../../hub/devices/sqlite";
import { BASE_NODE_CONFIG } from "../../../../hub/pubsub/node-config";
import { openSqliteStore } from "../../../../hub/pubsub/storage/sqlite";
import { device } from "../../../contract/device-store.contract";

export interface StoreKind {
  name: string;
  /** An index of the schema, with another column list that quick_check does not notice. */
  index: { name: string; wrong: string };
  /** Opens, writes `rows` rows through the store's own writes, closes. */
  seed(path: string, rows: number, check?: StorageCheck): Promise<void>;
  /** Opens the file (throws what the opener throws), makes one write, closes. */
  open(path: string, check?: StorageCheck): Promise<void>;
}

const pubsubNode = (id: string) => ({
  id,
  config: { ...BASE_NODE_CONFIG, maxItems: 1000 },
  creator: "alice@example.org",
  created: 1000,
});

const entry = (i: number) => ({
  time: 1000 + i,
  device: `d${i % 7}`,
  actor: "alice@example.org",
  id: `c${i}`,
  command: "relay=true",
  outcome: "issued" as const,
  detail: "x".repeat(200),
});

export const STORE_KINDS: StoreKind[] = [
  {
    name: "pubsub",
    index: { name: "affiliations_by_jid", wrong: "CREATE INDEX affiliations_by_jid ON affiliations (node)" },
    async seed(path, rows, check) {
      const store = openSqliteStore({ path, check });
      await Promise.all(
        Array.from({ length: rows }, (_, i) =>
          store.createNode(pubsubNode(`n${i}-${"x".repeat(200)}`), `u${i}@x`),
        ),
      );
      await store.close();
    },
    async open(path, check) {
      const store = openSqliteStore({ path, check });
      await store.createNode(pubsubNode(`extra-${Math.random()}`), "alice@example.org");
      await store.close();
    },
  },
  {
    name: "device",
    index: { name: "devices_by_owner", wrong: "CREATE INDEX devices_by_owner ON devices (model)" },
    async seed(path, rows, check) {
      const store = openSqliteDeviceStore({ path, check });
      await Promise.all(
        Array.from({ length: rows }, (_, i) =>
          store.createDevice(device(`d${i}`, { owner: `u${i}@x`, model: `m${"x".repeat(200)}` })),
        ),
      );
      await store.close();
    },
    async open(path, check) {
      const store = openSqliteDeviceStore({ path, check });
      await store.createDevice(device(`extra${Math.random().toString(36).slice(2)}`));
      await store.close();
    },
  },
  {
    name: "control",
    index: { name: "control_log_device", wrong: "CREATE INDEX control_log_device ON control_log (actor, n)" },
    async seed(path, rows, check) {
      const store = openControlStore(path, { check });
      for (let i = 0; i < rows; i++) store.issue(entry(i), ["relay"]);
      store.close();
    },
    async open(path, check) {
      const store = openControlStore(path, { check });
      store.log(entry(0));
      store.close();
    },
  },
];
