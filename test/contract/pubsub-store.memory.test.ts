import { createMemoryStore } from "../../hub/pubsub/storage/memory";
import { pubsubStoreContract } from "./pubsub-store.contract";

pubsubStoreContract("memory", { open: async () => createMemoryStore() });
