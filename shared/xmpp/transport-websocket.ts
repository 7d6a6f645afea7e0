/* The WebSocket transport of the browser dashboard's session: SCRAM on WebCrypto, and the same
 * stream fixes as TCP (harden.ts; its TCP_NODELAY part has no socket to act on here). No node:
 * imports: this runs in the browser bundle (hub/http/dashboard.ts).
 * References: RFC 7395 §3 (WebSocket binding), W3C Web Cryptography API. */
import { type HardenableEntity, harden } from "./harden";
import { webCryptoScram } from "./scram-webcrypto";
import type { Transport } from "./session";

/** localhost, *.localhost, 127.x.y.z and [::1]: the names a page can reach only on its own machine. */
function isLoopbackUrl(service: string): boolean {
  let host: string;
  try {
    host = new URL(service).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  return (
    host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host) || host === "::1"
  );
}

export const websocketTransport: Transport = {
  scram: webCryptoScram,
  isLoopback: isLoopbackUrl,
  prepare: (entity) => harden(entity as unknown as HardenableEntity),
};
