import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../hub/pubsub/storage/sqlite";
import { pubsubQuotaContract } from "./pubsub-quota.contract";
import { pubsubStoreContract, type StoreFactory } from "./pubsub-store.contract";

let dir: string | undefined;

const sqlite: StoreFactory = {
  async open() {
    dir = await mkdtemp(join(tmpdir(), "xiot-pubsub-"));
    return openSqliteStore({ path: join(dir, "pubsub.db") });
  },
  async reopen(store) {
    await store.close();
    return openSqliteStore({ path: join(dir as string, "pubsub.db") });
  },
  async cleanup() {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  },
};
pubsubStoreContract("sqlite", sqlite);
pubsubQuotaContract("sqlite", sqlite);
