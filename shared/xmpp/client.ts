/* A Node client session: the shared session (session.ts) over TCP/TLS (transport-tcp.ts), as
 * the agent, the CLI, the bench and the tests use it.
 * References: RFC 6120 §3 (TCP binding), §5 (STARTTLS), §6 (SASL); RFC 5802 (SCRAM). */
import type { Client } from "@xmpp/client";
import { useScram } from "./sasl";
import { nodeScram } from "./scram-node";
import { type ClientConnection, createSession, type SessionDeps } from "./session";
import { tcpTransport } from "./transport-tcp";

export type { ClientConfig, ClientConnection } from "./session";
export { AuthError, DisconnectedError } from "./session";

export type ClientDeps = Omit<SessionDeps, "transport">;

export function createClient(deps: ClientDeps): ClientConnection {
  return createSession({ ...deps, transport: tcpTransport });
}

/** Makes any @xmpp/client use our SCRAM-SHA-1 on node:crypto (what createClient does, on its own). */
export function useNativeScram(xmpp: Client): void {
  useScram(xmpp, nodeScram);
}
