/* The benchmark's XMPP peers: one publisher and up to S subscribers, each a hardened xiot client
 * session (shared/xmpp/client) on the bench Prosody, all in this process.
 * References: XEP-0077 (accounts), XEP-0060 §6.1 (subscribe with the full JID). */
import type { Logger } from "../../shared/log";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { parseItemsEvent } from "../../shared/xmpp/pubsub-events";
import { registerAccount } from "../../shared/xmpp/register";

export interface Peers {
  publisher: ClientConnection;
  subscribers: ClientConnection[];
  /** Receives the item ids of every notification, with the index of the subscriber it reached. */
  onNotification(listener: (subscriber: number, ids: string[]) => void): void;
  stop(): Promise<void>;
}

export interface PeersOptions {
  service: string;
  domain: string;
  /** The publisher's account: the hub lets device `bench-1` create nodes under devices/bench-1/. */
  publisherName: string;
  subscriberCount: number;
  log: Logger;
}

const PASSWORD = "bench pubsub password";

export async function connectPeers(o: PeersOptions): Promise<Peers> {
  const account = (username: string) => ({
    service: o.service,
    domain: o.domain,
    username,
    password: PASSWORD,
  });
  const names = [
    o.publisherName,
    ...Array.from({ length: o.subscriberCount }, (_, i) => `bench-sub-${i + 1}`),
  ];
  for (const name of names) await registerAccount({ config: account(name), log: o.log });
  const connections: ClientConnection[] = [];
  const listeners: ((subscriber: number, ids: string[]) => void)[] = [];
  const stop = async () => {
    await Promise.allSettled(connections.map((c) => c.stop()));
  };
  try {
    for (const name of names) {
      const connection = createClient({ config: { ...account(name), resource: "bench" }, log: o.log });
      connections.push(connection);
      await connection.start();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const [publisher, ...subscribers] = connections;
  subscribers.forEach((connection, index) => {
    connection.xmpp.on("stanza", (stanza) => {
      const ids = parseItemsEvent(stanza)?.items.map((item) => String(item.attrs.id ?? "")) ?? [];
      if (ids.length === 0) return;
      for (const listener of listeners) listener(index, ids);
    });
  });
  return {
    publisher: publisher!,
    subscribers,
    onNotification: (listener) => listeners.push(listener),
    stop,
  };
}
