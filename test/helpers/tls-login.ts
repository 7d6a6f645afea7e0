/* Child-process helper for the --public test: registers an account (with an invitation token when
 * given) and logs in over STARTTLS, trusting only what the process was started with
 * (NODE_EXTRA_CA_CERTS); with a new password, changes it from the session (XEP-0077 §3.3) and logs
 * in again with it, and tries the old one. Prints one JSON line:
 * {"ok":true,"jid":…,"secure":true[,"changed":true,"oldRefused":true]} or {"ok":false,"error":…}.
 * Usage: tsx test/helpers/tls-login.ts <service> <domain> <username> <password> [token] [new password] */
import xml from "@xmpp/xml";
import { silentLogger } from "../../shared/log";
import { type ClientConfig, createClient } from "../../shared/xmpp/client";
import { NS_REGISTER } from "../../shared/xmpp/ns";
import { registerAccount } from "../../shared/xmpp/register";

const [service, domain, username, password, token, newPassword] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
  string | undefined,
];
const config = { service, domain, username, password };

async function logIn(c: ClientConfig) {
  const connection = createClient({
    config: c,
    log: silentLogger(),
    backoff: { initialMs: 100, maxMs: 100 },
  });
  const refused = new Promise<never>((_, reject) =>
    connection.link.once("retry", ({ reason }: { reason: string }) => reject(new Error(reason))),
  );
  try {
    await Promise.race([connection.start(), refused]);
  } catch (error) {
    await connection.stop();
    throw error;
  }
  return connection;
}

try {
  await registerAccount({ config, log: silentLogger(), ...(token ? { token } : {}) });
  const connection = await logIn(config);
  const secure = connection.xmpp.isSecure();
  const result: Record<string, unknown> = { ok: true, jid: `${username}@${domain}`, secure };
  if (newPassword) {
    const query = xml(
      "query",
      { xmlns: NS_REGISTER },
      xml("username", {}, username),
      xml("password", {}, newPassword),
    );
    await connection.request(xml("iq", { type: "set", to: domain }, query));
    await connection.stop();
    await (await logIn({ ...config, password: newPassword })).stop();
    result.changed = true;
    result.oldRefused = await logIn(config).then(
      async (c) => {
        await c.stop();
        return false;
      },
      () => true,
    );
  } else await connection.stop();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
}
