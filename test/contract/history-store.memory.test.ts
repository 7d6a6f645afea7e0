import { createMemoryHistory } from "../../hub/history/memory";
import { historyStoreContract } from "./history-store.contract";

historyStoreContract("memory", { open: async (retention) => createMemoryHistory(retention) });
