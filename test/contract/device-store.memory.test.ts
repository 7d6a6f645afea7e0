import { createMemoryDeviceStore } from "../../hub/devices/memory";
import { deviceStoreContract } from "./device-store.contract";

deviceStoreContract("memory", { open: async () => createMemoryDeviceStore() });
