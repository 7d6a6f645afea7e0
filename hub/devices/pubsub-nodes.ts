/* DeviceNodes over the hub's PubSub service: the hub acts on the nodes as an admin.
 * References: XEP-0060 §8.1 (create with configuration), §8.2 (configure), §8.8.2 (owner
 * removes subscriptions), §8.9.2 (modify affiliations), §4.5 (whitelist), docs/design.md §2.
 *
 * The hub's JID must be one of the PubSub service's admins (it creates nodes under devices/
 * and manages every device node's affiliations). Removing a member also removes that JID's
 * subscriptions: on a whitelist node the affiliation decides who may subscribe and retrieve,
 * but an existing subscription would otherwise keep receiving notifications. */
import type { PubsubService } from "../pubsub/service";
import type { Result } from "../pubsub/types";
import { type DeviceNodes, nodesOf } from "./nodes";

export interface PubsubNodesDeps {
  service: PubsubService;
  /** The hub's JID, a PubSub admin. */
  hubJid: string;
  /** The users' domain: device JIDs are `<id>@<domain>`. */
  domain: string;
}

export class DeviceNodesError extends Error {
  constructor(action: string, node: string, code: string) {
    super(`${action} ${node}: ${code}`);
    this.name = "DeviceNodesError";
  }
}

function check(result: Result<unknown>, action: string, node: string): void {
  if (!result.ok) {
    const hint = result.error === "forbidden" ? " (the hub's JID must be a PubSub admin)" : "";
    throw new DeviceNodesError(action, node, result.error + hint);
  }
}

export function createPubsubDeviceNodes({ service, hubJid, domain }: PubsubNodesDeps): DeviceNodes {
  const hub = hubJid.toLowerCase();

  async function ensureNode(node: string, device: string, deviceAffiliation: "publisher" | "member") {
    const created = await service.create(hub, node, { accessModel: "whitelist" });
    if (!created.ok && created.error === "conflict") {
      // docs/design.md §2: a device may have created its own nodes before provisioning; take them over.
      check(await service.configure(hub, node, { accessModel: "whitelist" }), "configure", node);
    } else {
      check(created, "create", node);
    }
    const changes = [
      { jid: hub, affiliation: "owner" as const },
      { jid: device, affiliation: deviceAffiliation },
    ];
    check(await service.modifyAffiliations(hub, node, changes), "affiliate", node);
  }

  async function dropSubscriptions(node: string, bare: string): Promise<void> {
    const subs = await service.ownerSubscriptions(hub, node);
    check(subs, "subscriptions", node);
    if (!subs.ok) return;
    const theirs = subs.value.filter((s) => s.jid === bare || s.jid.startsWith(`${bare}/`));
    if (theirs.length === 0) return;
    const changes = theirs.map((s) => ({ jid: s.jid, state: "none" as const }));
    check(await service.modifySubscriptions(hub, node, changes), "unsubscribe", node);
  }

  return {
    async ensureNodes(deviceId) {
      const device = `${deviceId}@${domain.toLowerCase()}`;
      const nodes = nodesOf(deviceId);
      await ensureNode(nodes.readings, device, "publisher");
      await ensureNode(nodes.state, device, "publisher");
      await ensureNode(nodes.meta, device, "publisher");
      await ensureNode(nodes.availability, device, "member"); // only the hub publishes availability
    },
    async setAffiliation(node, bareJid, affiliation) {
      const result = await service.modifyAffiliations(hub, node, [{ jid: bareJid, affiliation }]);
      // Revoking access on a node that is gone leaves nothing to revoke.
      if (affiliation === "none" && !result.ok && result.error === "item-not-found") return;
      check(result, "affiliate", node);
      if (affiliation === "none") await dropSubscriptions(node, bareJid);
    },
  };
}
