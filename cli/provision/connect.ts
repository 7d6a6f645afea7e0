/* One client session for a CLI command: online, or a clear error at the first failed attempt
 * (a CLI does not retry forever like an agent).
 * References: RFC 6120 §6 (SASL), §7 (resource binding); shared/xmpp/session.ts (startOnce). */
import type { Logger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { startOnce } from "../../shared/xmpp/session";
import type { Session } from "./session";

export async function connectSession(session: Session, log: Logger): Promise<ClientConnection> {
  const connection = createClient({
    config: session.client,
    log: log.child({ module: "xmpp" }),
    backoff: { initialMs: 1000, maxMs: 1000 },
  });
  await startOnce(connection, `${session.client.username}@${session.client.domain}`);
  return connection;
}
