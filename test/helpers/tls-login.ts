/* Child-process helper for the --public test: registers an account and logs in over STARTTLS,
 * trusting only what the process was started with (NODE_EXTRA_CA_CERTS), then prints one JSON
 * line: {"ok":true,"jid":…,"secure":true} or {"ok":false,"error":…}.
 * Usage: tsx test/helpers/tls-login.ts <service> <domain> <username> <password> */
import { silentLogger } from "../../shared/log";
import { createClient } from "../../shared/xmpp/client";
import { registerAccount } from "../../shared/xmpp/register";

const [service, domain, username, password] = process.argv.slice(2) as [string, string, string, string];
const config = { service, domain, username, password };
try {
  await registerAccount({ config, log: silentLogger() });
  const connection = createClient({ config, log: silentLogger(), backoff: { initialMs: 100, maxMs: 100 } });
  await connection.start();
  const secure = connection.xmpp.isSecure();
  await connection.stop();
  process.stdout.write(`${JSON.stringify({ ok: true, jid: `${username}@${domain}`, secure })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
}
