/* One client session for a CLI command: online, or a clear error at the first failed attempt
 * (a CLI does not retry forever like an agent). */
import type { Logger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import type { Session } from "./session";

export async function connectSession(session: Session, log: Logger): Promise<ClientConnection> {
  const connection = createClient({
    config: session.client,
    log: log.child({ module: "xmpp" }),
    backoff: { initialMs: 1000, maxMs: 1000 },
  });
  const who = `${session.client.username}@${session.client.domain}`;
  const failed = new Promise<never>((_, reject) =>
    connection.link.once("retry", ({ reason }) => reject(new Error(`cannot log in as ${who}: ${reason}`))),
  );
  try {
    await Promise.race([connection.start(), failed]);
  } catch (error) {
    await connection.stop();
    throw error;
  }
  return connection;
}
