/* The accounts `xiot up` makes for the local stack: an administrator (hub admin and server
 * admin, used by `xiot provision --dir`) and a demo user. Passwords are generated once and kept
 * in <dir>/accounts.json (mode 0600) so a second run reuses them. */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../shared/log";
import { AuthError, createClient } from "../../shared/xmpp/client";
import { RegistrationError, registerAccount } from "../../shared/xmpp/register";

export interface StackAccount {
  username: string;
  password: string;
  jid: string;
}

export interface StackAccounts {
  admin: StackAccount;
  demo: StackAccount;
  /** The simulated device's own account (its id is the username). */
  device: StackAccount;
}

/** The simulated device `xiot up` runs. */
export const DEMO_DEVICE_ID = "sim-1";

export function accountsFile(dir: string): string {
  return join(dir, "accounts.json");
}

/** The accounts a stack in `dir` uses (made if missing), without touching the server. */
export function planAccounts(dir: string, domain: string): StackAccounts {
  const file = accountsFile(dir);
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<StackAccounts>) : {};
  const make = (username: string): StackAccount => ({
    username,
    password: randomBytes(12).toString("base64url"),
    jid: `${username}@${domain}`,
  });
  const accounts: StackAccounts = {
    admin: stored.admin ?? make("admin"),
    demo: stored.demo ?? make("demo"),
    device: stored.device ?? make(DEMO_DEVICE_ID),
  };
  // Written before any account is registered, so a crash never loses a password.
  writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  return accounts;
}

/** Registers each account, or checks that the stored password still logs in. */
export async function ensureAccounts(
  accounts: StackAccounts,
  server: { c2s: string; domain: string },
  log: Logger,
): Promise<void> {
  for (const account of Object.values(accounts)) {
    const config = {
      service: server.c2s,
      domain: server.domain,
      username: account.username,
      password: account.password,
    };
    try {
      await registerAccount({ config, log });
      log.info(`created the account ${account.jid}`);
    } catch (error) {
      if (!(error instanceof RegistrationError && error.condition === "conflict")) throw error;
      await checkLogin(config, log, account.jid);
    }
  }
}

async function checkLogin(config: Parameters<typeof createClient>[0]["config"], log: Logger, jid: string) {
  const connection = createClient({ config, log, backoff: { initialMs: 100, maxMs: 100 } });
  const failed = new Promise<never>((_, reject) =>
    connection.link.once("retry", ({ reason }) =>
      reject(new Error(`${jid} exists but its password in accounts.json does not log in (${reason})`)),
    ),
  );
  try {
    await Promise.race([connection.start(), failed]);
  } catch (error) {
    // A refused login ends the link at once (shared/xmpp/link.ts AuthError): say which file is wrong.
    if (error instanceof AuthError)
      throw new Error(`${jid} exists but its password in accounts.json does not log in (${error.message})`);
    throw error;
  } finally {
    await connection.stop();
  }
}
