import { createMemoryOutboxStore } from "../../agent/outbox/memory";
import { outboxStoreContract } from "./outbox-store.contract";

outboxStoreContract("memory", {
  open: async (limits) => createMemoryOutboxStore({ limits }),
});
