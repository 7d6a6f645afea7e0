/* XEP-0199 XMPP Ping §4.2: the hub answers pings with an empty result. */
import { NS_PING } from "../shared/xmpp/ns";
import type { DiscoContribution, IqRoute } from "./iq-types";

export const pingRoute: IqRoute = { type: "get", ns: NS_PING, name: "ping", handler: () => undefined };
export const pingDisco: DiscoContribution = { identities: [], features: [NS_PING] };
