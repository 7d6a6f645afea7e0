/* XEP-0323 momentary readouts: `accepted` at once, then one `fields` message with every requested
 * field the device has (sensors and actuators), with units and the time each value was taken.
 * References: XEP-0323 §3.1 (momentary readout), §3.3 (a refused request), §3.6 (named fields). */
import xml, { type Element } from "@xmpp/xml";
import type { Logger } from "../../shared/log";
import { makeError } from "../../shared/xmpp/errors";
import {
  makeAccepted,
  makeFields,
  parseReadoutRequest,
  type SensorField,
} from "../../shared/xmpp/sensordata";
import type { OpenChannel } from "../channels";
import type { Authority } from "./authority";

export interface ReadoutOptions {
  deviceId: string;
  channels: OpenChannel[];
  allowed: Authority;
  send: (stanza: Element) => Promise<void>;
  log: Logger;
}

/** Reads every channel now; a channel whose read fails is left out (and logged). */
export async function readFields(
  channels: OpenChannel[],
  log: Logger,
  only: string[] = [],
): Promise<SensorField[]> {
  const fields: SensorField[] = [];
  for (const open of channels) {
    const wanted = open.channels.filter((c) => only.length === 0 || only.includes(c.name));
    if (wanted.length === 0) continue;
    try {
      const samples = await open.driver.read();
      for (const c of wanted) {
        const model = [...open.names].find(([, published]) => published === c.name)?.[0] ?? c.name;
        const s = samples[model];
        if (!s) continue;
        const field: SensorField = { name: c.name, value: s.value, t: Math.round(s.t ?? Date.now()) };
        if (c.unit) field.unit = c.unit;
        if (s.quality) field.quality = s.quality;
        fields.push(field);
      }
    } catch (error) {
      log.warn({ err: error, channel: open.key }, "readout: device read failed");
    }
  }
  return fields;
}

/** The iqCallee handler for `get` `<req xmlns='urn:xmpp:iot:sensordata'/>`. */
export function readoutHandler(o: ReadoutOptions) {
  return async (ctx: { stanza: Element; element: Element }): Promise<Element> => {
    const from = ctx.stanza.attrs.from as string | undefined;
    const req = parseReadoutRequest(ctx.element);
    if (!req) return makeError("bad-request");
    if (!(await o.allowed.mayRead(from))) {
      o.log.warn({ from }, "readout refused: not allowed");
      return makeError("forbidden", { text: "not allowed to read this device", lang: null });
    }
    const fields = await readFields(o.channels, o.log, req.fields);
    // The accepted result goes out when this handler returns; the fields follow it.
    setImmediate(() => {
      const message = xml("message", { to: from }, makeFields(req, o.deviceId, fields));
      o.send(message).catch((err) => o.log.warn({ err }, "readout: could not send fields"));
    });
    return makeAccepted(req);
  };
}
