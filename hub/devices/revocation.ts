/* Tells a device's agent that a JID lost access, so it drops its cached canRead/canControl
 * decision at once instead of at the decision's expiry; and that a JID gained access, so it offers
 * itself as a contact (agent/xmpp/contacts.ts).
 * References: XEP-0324 §3.6 (clearCache: the provisioning server tells the device to forget
 * decisions; deferred, used as a guide; docs/provisioning.md), docs/design.md §2 (agents use the
 * resource `agent`). A message, not an IQ: the agent may be offline, and a hibernating
 * session would hold an IQ for minutes. */
import { agentJid } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import type { SendStanza } from "../iq-types";
import { makeGrantedMessage, makeRevokedMessage } from "./protocol-xml";
import type { DeviceService } from "./service";

export function pushRevocations(deps: {
  devices: Pick<DeviceService, "onRevoked">;
  send: SendStanza;
  hubJid: string;
  domain: string;
  log: Logger;
}): () => void {
  return deps.devices.onRevoked((event) => {
    const to = agentJid(event.deviceId, deps.domain);
    const message = makeRevokedMessage({ from: deps.hubJid, to, ...event });
    deps.send(message).catch((error) => {
      // The link is down: the agent's cached decision still expires after its lifetime.
      deps.log.warn({ err: error, device: event.deviceId }, "could not push a revocation");
    });
  });
}

export function pushGrants(deps: {
  devices: Pick<DeviceService, "onGranted">;
  send: SendStanza;
  hubJid: string;
  domain: string;
  log: Logger;
}): () => void {
  return deps.devices.onGranted((event) => {
    const to = agentJid(event.deviceId, deps.domain);
    deps.send(makeGrantedMessage({ from: deps.hubJid, to, ...event })).catch((error) => {
      // The link is down: the person can still add the device as a contact.
      deps.log.warn({ err: error, device: event.deviceId }, "could not push a grant");
    });
  });
}
