/* A provisioned device registers itself with the hub at every start (idempotent): the hub checks
 * the registration secret from the bundle against the device it provisioned and answers with the
 * device's node names.
 * References: docs/provisioning.md (urn:xiot:provisioning:0 register), XEP-0347 §3.6 (register,
 * as the model; its namespace was deferred). */
import xml, { type Element } from "@xmpp/xml";
import { NS_XIOT_PROVISIONING } from "../../shared/xmpp/ns";
import { StanzaError } from "../../shared/xmpp/stanza-error";

export class HubRefusedError extends Error {
  override readonly name = "HubRefusedError";
}

export interface RegistrationTags {
  model: string;
  firmware: string;
  agent: string;
}

export function makeHubRegister(hub: string, secret: string, tags: RegistrationTags): Element {
  return xml(
    "iq",
    { type: "set", to: hub },
    xml(
      "register",
      { xmlns: NS_XIOT_PROVISIONING, secret },
      ...Object.entries(tags).map(([name, value]) => xml("str", { name, value })),
    ),
  );
}

/** Registers with the hub; a refusal that retrying cannot cure becomes a HubRefusedError. */
export async function registerWithHub(
  request: (iq: Element) => Promise<Element>,
  hub: string,
  secret: string,
  tags: RegistrationTags,
): Promise<string[]> {
  try {
    const answer = await request(makeHubRegister(hub, secret, tags));
    const registered = answer.getChild("registered", NS_XIOT_PROVISIONING);
    return (registered?.getChildren("node") ?? []).map((n) => String(n.attrs.name));
  } catch (error) {
    const condition = (error as StanzaError).condition;
    if (
      error instanceof StanzaError &&
      ["not-authorized", "conflict", "item-not-found", "forbidden"].includes(condition)
    ) {
      throw new HubRefusedError(`the hub refused this device's registration (${error.message})`);
    }
    throw error;
  }
}
