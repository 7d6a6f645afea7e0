/* Tells a device's agent that a JID lost access, so it drops its cached canRead/canControl
 * decision at once instead of at the decision's expiry; and that a JID gained access, so it offers
 * itself as a contact (agent/xmpp/contacts.ts).
 * References: XEP-0324 §3.6 (clearCache: the provisioning server tells the device to forget
 * decisions; deferred, used as a guide; docs/provisioning.md), docs/design.md §2 (agents use the
 * resource `agent`). A message, not an IQ: the agent may be offline, and a hibernating
 * session would hold an IQ for minutes. */

import type { Element } from "@xmpp/xml";
import { agentJid } from "../../shared/jid";
import type { Logger } from "../../shared/log";
import type { SendStanza } from "../iq-types";
import { makeGrantedMessage, makeRevokedMessage } from "./protocol-xml";
import type { DeviceService } from "./service";

/** Pushes every access change of the device service to the device's agent, as it happens. */
export function pushAccessChanges(deps: {
  devices: Pick<DeviceService, "onRevoked" | "onGranted">;
  send: SendStanza;
  hubJid: string;
  domain: string;
  log: Logger;
}): () => void {
  const push = (deviceId: string, message: (to: string) => Element, what: string) =>
    deps.send(message(agentJid(deviceId, deps.domain))).catch((error) => {
      // The link is down: a revoked decision still expires after its lifetime, and a person can
      // still add the device as a contact.
      deps.log.warn({ err: error, device: deviceId }, `could not push a ${what}`);
    });
  const stopRevoked = deps.devices.onRevoked((event) =>
    push(event.deviceId, (to) => makeRevokedMessage({ from: deps.hubJid, to, ...event }), "revocation"),
  );
  const stopGranted = deps.devices.onGranted((event) =>
    push(event.deviceId, (to) => makeGrantedMessage({ from: deps.hubJid, to, ...event }), "grant"),
  );
  return () => {
    stopRevoked();
    stopGranted();
  };
}
