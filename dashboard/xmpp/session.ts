/* The dashboard's XMPP session: the shared client session (shared/xmpp/session.ts) over
 * WebSocket, SCRAM-SHA-1 on WebCrypto, kept connected by Link with a growing delay; this file
 * only turns the link's events into the page's states and sends the initial presence.
 * A refused first login is final: the page says "Login failed: wrong password (or no such account)
 * for alice@example.org" and offers the form again.
 * References: RFC 7395 (XMPP over WebSocket), RFC 6120 §6 (SASL), RFC 6121 §4.2 (initial
 * presence: notifications to the bare JID reach an available resource). */
import xml, { type Element } from "@xmpp/xml";
import { refusalOf } from "../../shared/xmpp/link";
import { type ClientConnection, createSession as createClientSession } from "../../shared/xmpp/session";
import { websocketTransport } from "../../shared/xmpp/transport-websocket";

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
  /** Resolves once online the first time, or once a first attempt failed for another reason than
   * the login (the link goes on retrying); rejects when the first login is refused. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A login this page cannot make (no SCRAM-SHA-1, a bad server signature): retrying cannot help.
 * A refused password is the link's own AuthError ("failed"), in words. */
const LOGIN_FAILURES = /SASL|SCRAM|credentials/i;
const isRefusal = (error: Error) => refusalOf(error) === undefined && LOGIN_FAILURES.test(error.message);
const silent = () => undefined;

export function createSession(options: SessionOptions): Session {
  const connection = createClientSession({
    config: {
      service: options.websocket,
      domain: options.domain,
      username: options.username,
      password: options.password,
      resource: `dashboard-${Math.random().toString(36).slice(2, 8)}`,
      // SCRAM only (below): the password never crosses the wire, with or without TLS.
      allowPlaintext: true,
    },
    transport: websocketTransport,
    scramOnly: true,
    software: "xiot dashboard",
    log: { info: silent, warn: silent },
    backoff: { initialMs: 1000, maxMs: 10_000 },
  });
  const states = new PageStates(connection, options);
  const notConnected = () => Promise.reject(new Error("not connected"));
  return {
    jid: () => connection.xmpp.jid?.bare().toString() ?? "",
    request: (iq, timeoutMs) => (connection.online ? connection.request(iq, timeoutMs) : notConnected()),
    send: (stanza) => (connection.online ? connection.send(stanza) : notConnected()),
    async start() {
      connection.start().catch(silent); // Why: its outcome is `first`'s (stopped before online is not a failure).
      await states.first;
    },
    stop: () => states.stop(),
  };
}

/** Turns the link's events into the page's states; `first` settles as Session.start() says. */
class PageStates {
  readonly first: Promise<void>;
  private settle: { resolve(): void; reject(error: Error): void } = { resolve: silent, reject: silent };
  private stopped = false;
  private everOnline = false;
  private lastError: Error | undefined;

  constructor(
    private readonly connection: ClientConnection,
    private readonly options: SessionOptions,
  ) {
    this.first = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    const { link, xmpp } = connection;
    link.on("connecting", () => {
      this.lastError = undefined;
      options.onState("connecting");
    });
    xmpp.on("error", (error: Error) => this.onError(error));
    link.on("retry", ({ delayMs }) => this.onRetry(delayMs));
    // RFC 6120 §6.5.10: a wrong password (or no such account); the link has stopped.
    link.on("failed", (error) => void this.refuse(error));
    link.on("online", () => {
      this.onOnline().catch((error: Error) => options.onState("offline", error.message));
    });
    xmpp.on("stanza", (stanza: Element) => options.onStanza(stanza));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection.stop();
  }

  private onError(error: Error): void {
    if (this.stopped) return;
    this.lastError = error;
    if (refusalOf(error) !== undefined) return; // the link's "failed" says it in words
    this.options.onState("offline", error.message);
    if (!this.everOnline && isRefusal(error)) void this.refuse(error);
  }

  /** A refused first login: no retry, the page says why and offers the form again. */
  private async refuse(error: Error): Promise<void> {
    await this.stop();
    this.options.onState("failed", error.message);
    this.settle.reject(error);
  }

  private onRetry(delayMs: number): void {
    if (this.stopped) return;
    const reason = this.lastError?.message ?? "connection lost";
    this.options.onState("offline", `${reason}; retrying in ${Math.round(delayMs / 1000)} s`);
    this.settle.resolve();
  }

  private async onOnline(): Promise<void> {
    await this.connection.send(xml("presence"));
    this.everOnline = true;
    this.options.onState("online");
    await this.options.onOnline();
    this.settle.resolve();
  }
}
