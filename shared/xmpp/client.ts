/* An @xmpp/client 0.14 session, hardened and kept connected.
 * References: RFC 6120 §5 (STARTTLS), §6 (SASL), §7 (resource binding); RFC 5802 (SCRAM).
 * - SCRAM-SHA-1 with native PBKDF2 replaces the library's (scram.ts); the server's signature is
 *   checked on success;
 * - no authentication without TLS unless the server is on loopback or xmpp.allowPlaintext is set,
 *   and never PLAIN in the clear;
 * - reconnect with jittered backoff (link.ts) instead of the library's fixed one-second loop;
 * - TCP_NODELAY, parser-error safety and no stream management (harden.ts). */

import { randomUUID } from "node:crypto";
import { type Client, xml, client as xmppClient } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Logger } from "../log";
import type { BackoffOptions } from "./backoff";
import { type HardenableEntity, harden } from "./harden";
import { isLoopbackHost, serviceHost } from "./hosts";
import { Link } from "./link";
import { NS_SASL } from "./ns";
import { NativeScramSha1 } from "./scram";

export interface ClientConfig {
  /** xmpp://host:port (STARTTLS when offered), xmpps://host:port or ws(s)://…/xmpp-websocket. */
  service: string;
  domain: string;
  username: string;
  password: string;
  resource?: string;
  /** Authenticate without TLS to a server that is not on loopback (default false). */
  allowPlaintext?: boolean;
}

export interface ClientConnection {
  readonly xmpp: Client;
  readonly link: Link;
  /** The bound full JID once online. */
  jid(): string;
  send(stanza: Element): Promise<void>;
  /** Sends an IQ and resolves with the result stanza; rejects with a StanzaError or on timeout. */
  request(iq: Element, timeoutMs?: number): Promise<Element>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClientDeps {
  config: ClientConfig;
  /** Runs on the open (and, where offered, encrypted) stream before SASL: e.g. XEP-0077. */
  beforeAuthenticate?: (xmpp: Client) => Promise<void>;
  log: Logger;
  backoff?: BackoffOptions;
  stableMs?: number;
}

interface MechanismFactory {
  _mechs: { name: string; mech: new () => unknown }[];
}

export function createClient({
  config,
  log,
  backoff,
  stableMs,
  beforeAuthenticate,
}: ClientDeps): ClientConnection {
  const plaintextOk = config.allowPlaintext === true || isLoopbackHost(serviceHost(config.service));
  let scram: NativeScramSha1 | null = null;
  const userAgent = xml("user-agent", { id: randomUUID() });

  const xmpp = xmppClient({
    service: config.service,
    domain: config.domain,
    resource: config.resource,
    credentials: async (authenticate, mechanisms, _fast, entity) => {
      const secure = entity.isSecure();
      if (!secure && !plaintextOk) {
        throw new Error(
          `refusing to authenticate to ${config.service} without TLS (set xmpp.allowPlaintext to allow it)`,
        );
      }
      const mechanism = mechanisms.find((m) => m === "SCRAM-SHA-1") ?? (secure ? mechanisms[0] : undefined);
      if (mechanism === undefined) {
        throw new Error(`no acceptable SASL mechanism offered (offered: ${mechanisms.join(", ")})`);
      }
      await beforeAuthenticate?.(entity);
      await authenticate({ username: config.username, password: config.password }, mechanism, userAgent);
    },
  });
  xmpp.reconnect.stop();
  replaceScram((xmpp as unknown as { saslFactory: MechanismFactory }).saslFactory, (mech) => {
    scram = mech;
  });
  xmpp.on("nonza", (element) => {
    if (!element.is("success", NS_SASL) || scram === null) return;
    try {
      scram.verifySuccess(Buffer.from(element.text(), "base64").toString());
    } catch (error) {
      xmpp.emit("error", error as Error);
      void xmpp.disconnect();
    }
  });
  harden(xmpp as unknown as HardenableEntity);
  const label = `client ${config.username}@${config.domain}`;
  const link = new Link({ entity: xmpp as never, log, label, backoff, stableMs });

  return {
    xmpp,
    link,
    jid: () => xmpp.jid?.toString() ?? "",
    send: (stanza) => xmpp.send(stanza),
    request: (iq, timeoutMs = 10_000) => xmpp.iqCaller.request(iq, timeoutMs),
    start: () => link.start(),
    stop: () => link.stop(),
  };
}

/** Makes any @xmpp/client use the native SCRAM-SHA-1 (what createClient does, on its own). */
export function useNativeScram(xmpp: Client): void {
  replaceScram((xmpp as unknown as { saslFactory: MechanismFactory }).saslFactory, () => undefined);
}

/** Puts the native SCRAM-SHA-1 first in the factory so that it, not the library's, is created. */
function replaceScram(factory: MechanismFactory, onCreate: (mech: NativeScramSha1) => void): void {
  class TrackedScram extends NativeScramSha1 {
    constructor() {
      super();
      onCreate(this);
    }
  }
  factory._mechs = [
    { name: "SCRAM-SHA-1", mech: TrackedScram },
    ...factory._mechs.filter((entry) => entry.name !== "SCRAM-SHA-1"),
  ];
}
