/* Loopback port handling for the embedded server. Prosody cannot report ports it chose itself,
 * so xiot picks free ports first and retries on a bind race (docs/design.md §4). */
import { createServer } from "node:net";

/** Binds port 0 on `host`, reads the port the kernel chose, and releases it. */
export function pickFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when `port` can be bound on `host`, false when it is in use. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export type PortName = "c2s" | "component" | "http" | "https" | "s2s";

/** The ports an earlier run of this folder listened on, from its server.json (missing or
 * unreadable: none). `--*-port 0` prefers them, so agents provisioned with the c2s address and
 * a bookmarked WebSocket address still work after a restart. */
export function previousPorts(serverJson: string | undefined): Partial<Record<PortName, number>> {
  if (serverJson === undefined) return {};
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(serverJson) as Record<string, unknown>;
  } catch {
    // Why: a torn or hand-edited server.json only means there is nothing to keep.
    return {};
  }
  const portOf = (uri: unknown): number | undefined => {
    if (typeof uri !== "string") return undefined;
    try {
      const port = Number(new URL(uri).port);
      return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
    } catch {
      return undefined; // not a URI: nothing to keep
    }
  };
  const ports: Partial<Record<PortName, number>> = {
    c2s: portOf(info.c2s),
    component: portOf(info.component),
    http: portOf(info.websocket),
  };
  return Object.fromEntries(Object.entries(ports).filter(([, port]) => port !== undefined));
}
