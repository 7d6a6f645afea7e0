/* The dashboard's XMPP session over WebSocket: login with SCRAM-SHA-1, then kept connected by
 * itself with a growing delay, reporting each state change so the page can show it.
 * References: RFC 7395 (XMPP over WebSocket), RFC 6120 §6 (SASL), RFC 6121 §4.2 (initial
 * presence: notifications to the bare JID reach an available resource). */
import { type Client, xml, client as xmppClient } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { WebCryptoScramSha1 } from "./scram";

export type SessionState = "connecting" | "online" | "offline" | "failed";

export interface SessionOptions {
  websocket: string;
  domain: string;
  username: string;
  password: string;
  /** Called on every state change; `detail` explains offline and failed. */
  onState(state: SessionState, detail?: string): void;
  /** Runs each time the session is online (first login and every reconnect). */
  onOnline(): Promise<void>;
  onStanza(stanza: Element): void;
}

export interface Session {
  readonly jid: () => string;
  request(iq: Element, timeoutMs?: number): Promise<Element>;
  send(stanza: Element): Promise<void>;
  /** Resolves once online the first time; rejects when the first login is refused. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface MechanismFactory {
  _mechs: { name: string; mech: new () => unknown }[];
}

const AUTH_FAILURES = /not-authorized|SASL|SCRAM|credentials/i;

export function createSession(options: SessionOptions): Session {
  let xmpp: Client | undefined;
  let stopped = false;
  let everOnline = false;
  let delay = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function makeClient(): Client {
    const entity = xmppClient({
      service: options.websocket,
      domain: options.domain,
      resource: `dashboard-${Math.random().toString(36).slice(2, 8)}`,
      credentials: async (authenticate, mechanisms) => {
        if (!mechanisms.includes("SCRAM-SHA-1"))
          throw new Error(`the server offers no SCRAM-SHA-1 (offered: ${mechanisms.join(", ")})`);
        const agent = xml("user-agent", { id: crypto.randomUUID() }, xml("software", {}, "xiot dashboard"));
        await authenticate({ username: options.username, password: options.password }, "SCRAM-SHA-1", agent);
      },
    });
    // Our own reconnect loop (below) grows its delay; the library's retries every second forever.
    entity.reconnect.stop();
    const factory = (entity as unknown as { saslFactory: MechanismFactory }).saslFactory;
    factory._mechs = [{ name: "SCRAM-SHA-1", mech: WebCryptoScramSha1 }, ...factory._mechs];
    entity.on("stanza", (stanza) => options.onStanza(stanza));
    entity.on("error", (error) => options.onState("offline", error.message));
    entity.on("offline", () => {
      if (!stopped) scheduleReconnect("connection lost");
    });
    return entity;
  }

  async function connect(): Promise<void> {
    options.onState("connecting");
    xmpp = makeClient();
    await xmpp.start();
    await xmpp.send(xml("presence"));
    delay = 1000;
    everOnline = true;
    options.onState("online");
    await options.onOnline();
  }

  function scheduleReconnect(reason: string): void {
    if (timer !== undefined || stopped) return;
    options.onState("offline", `${reason}; retrying in ${Math.round(delay / 1000)} s`);
    timer = setTimeout(() => {
      timer = undefined;
      const old = xmpp;
      // Why ignored: the old client is already disconnected; stop() only releases it.
      old?.stop().catch(() => undefined);
      connect().catch((error: Error) => scheduleReconnect(error.message));
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  }

  return {
    jid: () => xmpp?.jid?.bare().toString() ?? "",
    request: (iq, timeoutMs = 10_000) => {
      if (!xmpp) return Promise.reject(new Error("not connected"));
      return xmpp.iqCaller.request(iq, timeoutMs);
    },
    send: (stanza) => (xmpp ? xmpp.send(stanza) : Promise.reject(new Error("not connected"))),
    async start() {
      try {
        await connect();
      } catch (error) {
        const message = (error as Error).message;
        if (!everOnline && AUTH_FAILURES.test(`${(error as { condition?: string }).condition} ${message}`)) {
          stopped = true;
          options.onState("failed", message);
          await xmpp?.stop().catch(() => undefined);
          throw error;
        }
        scheduleReconnect(message);
      }
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await xmpp?.stop();
    },
  };
}
