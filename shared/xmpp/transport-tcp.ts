/* The TCP (and TLS) transport of a Node client session: SCRAM on node:crypto, loopback judged by
 * address, and the fixes of harden.ts (TCP_NODELAY, parser errors, no stream management).
 * References: RFC 6120 §3 (TCP binding), §5 (STARTTLS), docs/design.md §4 (measured traps). */
import { type HardenableEntity, harden } from "./harden";
import { isLoopbackHost, serviceHost } from "./hosts";
import { nodeScram } from "./scram-node";
import type { Transport } from "./session";

export const tcpTransport: Transport = {
  scram: nodeScram,
  isLoopback: (service) => isLoopbackHost(serviceHost(service)),
  prepare: (entity) => harden(entity as unknown as HardenableEntity),
};
