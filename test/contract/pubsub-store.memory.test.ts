import { createMemoryStore } from "../../hub/storage/memory";
import { pubsubStoreContract } from "./pubsub-store.contract";

pubsubStoreContract("memory", { open: async () => createMemoryStore() });
