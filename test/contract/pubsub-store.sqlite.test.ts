import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../hub/pubsub/storage/sqlite";
import { pubsubStoreContract } from "./pubsub-store.contract";

let dir: string | undefined;

pubsubStoreContract("sqlite", {
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
});
