/* Address checks for links that must not leave the machine or a private network unencrypted. */
import { isIP } from "node:net";

/** The host of an xmpp://host:port or ws(s):// service URI. */
export function serviceHost(service: string): string {
  try {
    return new URL(service).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return service;
  }
}

export function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Loopback, RFC 1918, link-local and IPv6 unique-local addresses. */
export function isPrivateHost(host: string): boolean {
  if (isLoopbackHost(host)) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    return (
      a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
    );
  }
  if (isIP(host) === 6) return /^f[cd]/i.test(host) || /^fe80:/i.test(host);
  return false;
}
