/* Momentary readouts through the hub: an XEP-0323 `req` to the agent, answered by `accepted`
 * and then a `<fields done='true'/>` message, which the hub's message listener feeds back here.
 * References: XEP-0323 §3.1 (momentary readout: req, accepted, fields with done), docs/protocol.md
 * (what the agent sends). */
import { randomBytes } from "node:crypto";
import xml, { type Element } from "@xmpp/xml";
import { agentJid, normalizeJid } from "../../shared/jid";
import { NS_IOT_SENSORDATA } from "../../shared/xmpp/ns";
import { makeReadoutRequest, parseFields, type SensorField } from "../../shared/xmpp/sensordata";

export interface ReadoutDeps {
  iq: { request(iq: Element, timeoutMs?: number): Promise<Element> };
  hubJid: string;
  domain: string;
  timeoutMs: number;
}

interface Waiting {
  from: string;
  resolve(fields: SensorField[]): void;
}

export function createReadout(deps: ReadoutDeps) {
  const waiting = new Map<string, Waiting>();

  /** The device's fields (all, or the named ones); rejects on an error answer or a timeout. */
  async function read(device: string, names: string[] = []): Promise<SensorField[]> {
    const id = randomBytes(6).toString("hex");
    const agent = agentJid(device, deps.domain);
    let timer: NodeJS.Timeout | undefined;
    const fields = new Promise<SensorField[]>((resolve, reject) => {
      waiting.set(id, { from: agent, resolve });
      timer = setTimeout(() => reject(new ReadoutTimeout(device)), deps.timeoutMs);
    });
    try {
      const iq = xml("iq", { type: "get", to: agent, from: deps.hubJid }, makeReadoutRequest(id, names));
      await Promise.race([deps.iq.request(iq, deps.timeoutMs), fields]);
      return await fields;
    } finally {
      clearTimeout(timer);
      waiting.delete(id);
    }
  }

  /** A message to the hub: true when it was the fields of one of our readouts. */
  function onMessage(stanza: Element): boolean {
    const el = stanza.getChild("fields", NS_IOT_SENSORDATA);
    if (!el) return false;
    const parsed = parseFields(el);
    const w = parsed ? waiting.get(parsed.id) : undefined;
    // Only the agent asked may answer: a readout id is not a password.
    if (!parsed || !w || normalizeJid(String(stanza.attrs.from))?.full !== normalizeJid(w.from)?.full)
      return true;
    if (parsed.done) w.resolve(parsed.fields);
    return true;
  }

  return { read, onMessage };
}

export class ReadoutTimeout extends Error {
  constructor(readonly device: string) {
    super(`${device} did not answer the readout in time`);
    this.name = "ReadoutTimeout";
  }
}

export type Readout = ReturnType<typeof createReadout>;
