import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFileOutboxStore } from "../../agent/outbox/file";
import { outboxStoreContract } from "./outbox-store.contract";

const dirs: string[] = [];
const dirOf = new WeakMap<object, string>();

for (const fsync of ["always", "interval:50", "never"]) {
  outboxStoreContract(`file (fsync ${fsync})`, {
    async open(limits) {
      const dir = await mkdtemp(join(tmpdir(), "xiot-outbox-"));
      dirs.push(dir);
      const store = await openFileOutboxStore({ dir, limits, fsync, compactMinBytes: 64 });
      dirOf.set(store, dir);
      return store;
    },
    async reopen(store, limits) {
      await store.close();
      const dir = dirOf.get(store)!;
      return openFileOutboxStore({ dir, limits, fsync, compactMinBytes: 64 });
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  });
}
