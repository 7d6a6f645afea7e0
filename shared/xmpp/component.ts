/* The typed adapter over @xmpp/component-core 0.13.1 (CJS, no types), hardened and kept
 * connected. @xmpp/component itself is not used: it adds the library's one-second reconnect and
 * an IQ callee that answers on its own, while the hub routes every IQ itself so that each gets
 * exactly one answer.
 * References: XEP-0114 §3 (handshake), RFC 6120 §4.9 (stream errors), §11 (restricted XML:
 * harden.ts turns what the component's ltx parser would swallow into stream errors).
 * Component links have no TLS (XEP-0114): warn when the server is not on loopback or a private
 * network. */
import core from "@xmpp/component-core";
import type { Element } from "@xmpp/xml";
import type { Logger } from "../log";
import type { BackoffOptions } from "./backoff";
import { harden } from "./harden";
import { isPrivateHost, serviceHost } from "./hosts";
import { IqCaller } from "./iq-caller";
import { Link } from "./link";

export interface ComponentConfig {
  /** xmpp://host:port of the server's component listener. */
  service: string;
  /** The component's own domain, e.g. hub.localhost. */
  domain: string;
  password: string;
}

export interface ComponentConnection {
  readonly link: Link;
  readonly jid: string;
  readonly iq: IqCaller;
  send(stanza: Element): Promise<void>;
  /** Incoming stanzas other than answers to our own IQs. */
  onStanza(listener: (stanza: Element) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ComponentDeps {
  config: ComponentConfig;
  log: Logger;
  backoff?: BackoffOptions;
}

export function createComponent({ config, log, backoff }: ComponentDeps): ComponentConnection {
  const entity = new core.Component({ service: config.service, domain: config.domain });
  entity.on("open", (header: Element) => {
    entity.authenticate(String(header.attrs.id), config.password).catch((error: Error) => {
      entity.emit("error", error);
    });
  });
  harden(entity);
  const host = serviceHost(config.service);
  if (!isPrivateHost(host)) {
    log.warn(
      `component link to ${host} is not on loopback or a private network: XEP-0114 links are not encrypted`,
    );
  }
  const send = (stanza: Element) => entity.send(stanza);
  const iq = new IqCaller(send);
  const link = new Link({
    entity,
    log,
    label: `component ${config.domain}`,
    backoff,
    explain: (error) => explainComponentError(error, config),
  });
  link.on("offline", () => iq.rejectAll(new Error("component link lost")));
  const listeners: ((stanza: Element) => void)[] = [];
  entity.on("stanza", (stanza: Element) => {
    if (iq.handle(stanza)) return;
    for (const listener of listeners) listener(stanza);
  });
  return {
    link,
    jid: config.domain,
    iq,
    send,
    onStanza: (listener) => listeners.push(listener),
    start: () => link.start(),
    stop: () => link.stop(),
  };
}

function explainComponentError(error: Error, config: ComponentConfig): string | undefined {
  const condition = (error as Error & { condition?: string }).condition;
  if (condition === "not-authorized") {
    return `the server refused the component secret for ${config.domain} (not-authorized): check xmpp.password`;
  }
  if (condition === "conflict")
    return `another component is already connected as ${config.domain} (conflict)`;
  if (condition === "host-unknown" || condition === "improper-addressing") {
    return `the server has no component named ${config.domain} (${condition}): check xmpp.domain`;
  }
  if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") {
    return `nothing listens at ${config.service} (connection refused)`;
  }
  return undefined;
}
