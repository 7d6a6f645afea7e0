/* An in-process TCP proxy on loopback, to break the link between a client and a server in the
 * ways networks do: stall (bytes stop flowing, sockets stay open), cut (FIN), reset (RST), and
 * outage (every connection refused until it ends). */
import { createServer, type Server, Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** `xmpp://127.0.0.1:<port>`. */
  readonly url: string;
  /** Connections made so far. */
  readonly accepted: number;
  /** Bytes forwarded so far: client → server ("up") and server → client ("down"). */
  readonly bytes: { up: number; down: number };
  readonly open: number;
  /** Stops forwarding in both directions; the sockets stay open. */
  stall(): void;
  /** Closes every connection: "end" with FIN, "reset" with RST. */
  cut(how?: "end" | "reset"): void;
  /** Cuts everything and refuses new connections until `restore()`. */
  outage(): void;
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let accepted = 0;
  const bytes = { up: 0, down: 0 };
  let down = false;
  const server: Server = createServer((client) => {
    accepted++;
    if (down) return client.resetAndDestroy();
    const upstream = new Socket();
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on("error", drop);
      s.on("close", drop);
    }
    upstream.connect(target.port, target.host, () => {
      // Counted from here: a data listener attached earlier would let bytes flow before the pipe.
      client.on("data", (chunk: Buffer) => {
        bytes.up += chunk.length;
      });
      upstream.on("data", (chunk: Buffer) => {
        bytes.down += chunk.length;
      });
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const cut = (how: "end" | "reset" = "end") => {
    for (const { client, upstream } of [...pairs]) {
      if (how === "reset") {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      } else {
        client.end();
        upstream.end();
        client.destroySoon();
        upstream.destroySoon();
      }
    }
  };
  return {
    port,
    url: `xmpp://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    bytes,
    get open() {
      return pairs.size;
    },
    stall() {
      for (const { client, upstream } of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    cut,
    outage() {
      down = true;
      cut("reset");
    },
    restore() {
      down = false;
    },
    async close() {
      cut("reset");
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
