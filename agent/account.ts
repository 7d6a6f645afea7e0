/* The device's XMPP account. A configured password is used as it is. A provisioned device's first
 * boot has an invite token instead (docs/provisioning.md): the agent makes a password, keeps it
 * in <state.dir>/account.json (mode 0600, written before registering so a crash never loses it),
 * and registers its account in-band with the token; later boots just read the password back.
 * References: XEP-0077 §3.1 (in-band registration), XEP-0401 (pre-authenticated registration). */
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../shared/log";
import { RegistrationError, registerAccount } from "../shared/xmpp/register";
import type { AgentConfig } from "./config";
import { writeFileAtomic } from "./outbox/atomic";

interface StoredAccount {
  username: string;
  password: string;
  /** True once the server accepted the registration. */
  registered: boolean;
}

export class AccountError extends Error {
  override readonly name = "AccountError";
}

/** Resolves with the password to log in with, registering the account first when needed. */
export async function ensureAccount(config: AgentConfig, log: Logger): Promise<string> {
  if (config.xmpp.password !== undefined) return config.xmpp.password;
  const token = config.xmpp.registration?.token;
  const username = config.xmpp.username ?? config.device.id;
  const file = join(config.state.dir, "account.json");
  const stored = await readStored(file);
  if (stored?.registered && stored.username === username) return stored.password;
  if (token === undefined) throw new AccountError("no xmpp.password and no xmpp.registration.token");
  const account =
    stored?.username === username ? stored : { username, password: newPassword(), registered: false };
  await mkdir(config.state.dir, { recursive: true });
  await save(file, account);
  const server = {
    service: config.xmpp.service,
    domain: config.xmpp.domain,
    allowPlaintext: config.xmpp.allowPlaintext,
  };
  try {
    await registerAccount({ config: { ...server, username, password: account.password }, token, log });
    log.info(`registered the account ${username}@${config.xmpp.domain} with the invitation`);
  } catch (error) {
    if (!(error instanceof RegistrationError)) throw error;
    if (error.condition === "conflict" && stored !== undefined) {
      // An earlier boot registered it and crashed before noting so: the stored password is it.
      log.info("the account exists already (an earlier boot registered it)");
    } else if (error.condition === "forbidden" || error.condition === "not-allowed") {
      throw new AccountError(
        `the server refused the invitation (${error.message}): it was used already or expired; provision a new bundle`,
      );
    } else {
      throw new AccountError(error.message);
    }
  }
  await save(file, { ...account, registered: true });
  return account.password;
}

function newPassword(): string {
  return randomBytes(24).toString("base64url");
}

async function readStored(file: string): Promise<StoredAccount | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as StoredAccount;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new AccountError(
      `${file} is unreadable (${(error as Error).message}); remove it to register again`,
    );
  }
}

async function save(file: string, account: StoredAccount): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(account)}\n`, 0o600);
}
