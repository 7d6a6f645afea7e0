/* The simulated device of the local stack: the agent of examples/agent-simulated.json, run in the
 * `xiot up` process with the stack's device account; provisioned with the hub and owned by the demo
 * user (demo-device.ts), so the hub decides who may read and control it. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AgentConfig, agentSchema } from "../../agent/config";
import { type Agent, createAgent } from "../../agent/main";
import type { Logger } from "../../shared/log";
import type { StackAccounts } from "./accounts";

const EXAMPLE = fileURLToPath(new URL("../../examples/agent-simulated.json", import.meta.url));

/** The agent, created (its state folder locked) but not started. */
export async function createDemoDevice(options: {
  dir: string;
  server: { c2s: string; domain: string; hub: string };
  accounts: StackAccounts;
  /** From the hub's provisioning (demo-device.ts): the device registers with the hub. */
  registrationSecret: string;
  logConfig: AgentConfig["log"];
  log: Logger;
}): Promise<Agent> {
  const { dir, server, accounts, registrationSecret, logConfig, log } = options;
  const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as Record<string, unknown>;
  const config = agentSchema.parse({
    ...example,
    device: { ...(example.device as object), id: accounts.device.username },
    xmpp: {
      service: server.c2s,
      domain: server.domain,
      username: accounts.device.username,
      password: accounts.device.password,
    },
    hub: { jid: server.hub, registrationSecret },
    // Publish every 2 s rather than the example's 10 s: the dashboard's charts look live.
    batch: { ...(example.batch as object), maxDelayMs: 2000 },
    state: { dir: join(dir, `agent-${accounts.device.username}`) },
    log: logConfig,
  }) as AgentConfig;
  // Not started here: the caller can then stop it even while start() still waits to be online.
  return createAgent(config, log);
}
