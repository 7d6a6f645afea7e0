/* The hub's composition root: the component link, the stanza router and the services on it. */
import type { Logger } from "../shared/log";
import type { BackoffOptions } from "../shared/xmpp/backoff";
import { createComponent } from "../shared/xmpp/component";
import type { HubConfig } from "./config";
import { createDisco } from "./disco";
import { pingDisco, pingRoute } from "./ping";
import { createRouter } from "./router";

export interface Hub {
  readonly jid: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface HubDeps {
  config: HubConfig;
  log: Logger;
  backoff?: BackoffOptions;
}

export function createHub({ config, log, backoff }: HubDeps): Hub {
  const component = createComponent({
    config: config.xmpp,
    log: log.child({ module: "component" }),
    backoff,
  });
  const router = createRouter({ send: component.send, log: log.child({ module: "router" }) });
  const disco = createDisco();
  disco.contribute({
    identities: [{ category: "component", type: "generic", name: "xiot hub" }],
    features: [],
  });
  disco.contribute(pingDisco);
  for (const route of [...disco.routes(), pingRoute]) router.add(route);
  component.onStanza((stanza) => void router.dispatch(stanza));
  return {
    jid: component.jid,
    start: () => component.start(),
    stop: () => component.stop(),
  };
}
