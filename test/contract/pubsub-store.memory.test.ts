import { createMemoryStore } from "../../hub/pubsub/storage/memory";
import { pubsubQuotaContract } from "./pubsub-quota.contract";
import { pubsubStoreContract } from "./pubsub-store.contract";

pubsubStoreContract("memory", { open: async () => createMemoryStore() });
pubsubQuotaContract("memory", { open: async () => createMemoryStore() });
