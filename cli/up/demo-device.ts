/* Provisions the stack's simulated device with the hub (as the stack's administrator) and has the
 * demo user claim it, once: the registration secret is kept in <dir>/demo-device.json (0600) for
 * later runs. Then the demo user owns sim-1 like any user owns a device: chat, dashboard,
 * `xiot set`, `xiot devices` all see it.
 * References: docs/provisioning.md (Provision a device, claim). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import xml, { type Element } from "@xmpp/xml";
import { CMD_PROVISION } from "../../hub/devices/commands";
import type { Logger } from "../../shared/log";
import { runCommand } from "../../shared/xmpp/adhoc";
import { createClient } from "../../shared/xmpp/client";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import type { StackAccount, StackAccounts } from "./accounts";

interface DemoDeviceRecord {
  device: string;
  registrationSecret: string;
}

export async function ensureDemoProvisioned(options: {
  dir: string;
  server: { c2s: string; domain: string; hub: string };
  accounts: StackAccounts;
  model: string;
  log: Logger;
}): Promise<string> {
  const { dir, server, accounts, model, log } = options;
  const file = join(dir, "demo-device.json");
  const id = accounts.device.username;
  if (existsSync(file)) {
    const record = JSON.parse(readFileSync(file, "utf8")) as DemoDeviceRecord;
    if (record.device === id) return record.registrationSecret;
  }
  log.info(`provisioning the simulated device ${id} and giving it to ${accounts.demo.jid}`);
  const refused = (why: string) =>
    new Error(
      `the hub did not provision ${id} (${why}); if ${dir} comes from an older run, remove it and start again`,
    );
  const provisioned = await as(server, accounts.admin, log, (request) =>
    runCommand(request, { to: server.hub, node: CMD_PROVISION, fields: { device: id, model } }),
  ).catch((error: Error) => {
    throw refused(error.message);
  });
  const field = (name: string) => provisioned.form?.fields.get(name)?.[0] ?? "";
  if (!field("registration-secret") || !field("claim-key"))
    throw refused("its answer has no registration secret");
  const record = { device: id, registrationSecret: field("registration-secret") };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await as(server, accounts.demo, log, (request) =>
    request(
      xml(
        "iq",
        { type: "set", to: server.hub },
        xml("claim", { xmlns: NS_XIOT_PROVISIONING, device: id, key: field("claim-key") }),
      ),
    ),
  );
  return record.registrationSecret;
}

/** Runs one exchange logged in as `account`. */
async function as<T>(
  server: { c2s: string; domain: string },
  account: StackAccount,
  log: Logger,
  work: (request: (iq: Element, timeoutMs?: number) => Promise<Element>) => Promise<T>,
): Promise<T> {
  const connection = createClient({
    config: {
      service: server.c2s,
      domain: server.domain,
      username: account.username,
      password: account.password,
    },
    log,
  });
  await connection.start();
  try {
    return await work(connection.request);
  } finally {
    await connection.stop();
  }
}
