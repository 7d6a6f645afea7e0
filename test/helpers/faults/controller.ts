/* Command traffic for the fault campaign: a controller with authority over the device (its owner in
 * the hub's registry; the agent asks the hub) switches the relay at seeded intervals through
 * the hub (chat, or the "Control a device" ad-hoc command as `xiot set` runs it) and directly with
 * XEP-0325 and its own short-lived `<cmd/>`; a stranger tries the same without authority. Every
 * direct command is written down before it is sent; the hub's commands are in its control log. */
import { randomBytes } from "node:crypto";
import xml, { type Element } from "@xmpp/xml";
import { agentJid } from "../../../shared/jid";
import { runCommand } from "../../../shared/xmpp/adhoc";
import type { ClientConnection } from "../../../shared/xmpp/client";
import { makeControlSet } from "../../../shared/xmpp/control";
import { CMD_CONTROL } from "../../../shared/xmpp/ns";
import type { IssuedCommand } from "./oracle";
import type { Rng } from "./prng";

export const ACTIONS = ["chat", "adhoc", "direct", "stranger-chat", "stranger-direct"] as const;
export type Action = (typeof ACTIONS)[number];
/** Weights: mostly the controller, now and then the stranger. */
const WEIGHTED: Action[] = [
  "chat",
  "chat",
  "adhoc",
  "adhoc",
  "direct",
  "direct",
  "stranger-chat",
  "stranger-direct",
];

export interface ControllerOptions {
  hub: string;
  domain: string;
  device: string;
  controller: ClientConnection;
  stranger: ClientConnection;
  /** Bare JIDs of the two. */
  jids: { controller: string; stranger: string };
  rng: Rng;
  /** Pause between commands, ms. */
  paceMs: [number, number];
  /** TTL of direct commands, ms: short on purpose. */
  directTtlMs: [number, number];
}

export function startController(o: ControllerOptions) {
  const direct: IssuedCommand[] = [];
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const replies = new Map<ClientConnection, string[]>();
  const waiters = new Map<ClientConnection, (body: string) => void>();
  for (const c of [o.controller, o.stranger]) {
    replies.set(c, []);
    c.xmpp.on("stanza", (s: Element) => {
      if (!s.is("message") || s.attrs.from !== o.hub) return;
      const body = s.getChildText("body");
      if (body === null) return;
      replies.get(c)?.push(body);
      waiters.get(c)?.(body);
    });
  }
  let stopped = false;
  let value = false;
  const to = agentJid(o.device, o.domain);

  const chat = async (who: ClientConnection, tag: string, text: string) => {
    const reply = new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("no reply"), 8_000);
      waiters.set(who, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
    await who.send(xml("message", { to: o.hub, type: "chat" }, xml("body", {}, text)));
    count(`${tag}: ${classify(await reply)}`);
  };

  const setDirect = async (who: ClientConnection, tag: string) => {
    const ttl = o.rng.int(...o.directTtlMs);
    const cmd = { id: `${tag}-${randomBytes(6).toString("hex")}`, issued: Date.now(), ttl };
    direct.push({ ...cmd, actor: who === o.controller ? o.jids.controller : o.jids.stranger });
    const set = makeControlSet([{ name: "relay", type: "boolean", value }], cmd);
    try {
      await who.request(xml("iq", { type: "set", to }, set), 5_000);
      count(`${tag}: done`);
    } catch (error) {
      const e = error as { condition?: string; name?: string };
      count(`${tag}: ${e.condition ?? e.name ?? "error"}`);
    }
  };

  const once = async (action: Action) => {
    value = !value;
    const word = value ? "on" : "off";
    switch (action) {
      case "chat":
        return chat(o.controller, action, `${o.device} relay ${word}`);
      case "stranger-chat":
        return chat(o.stranger, action, `${o.device} relay ${word}`);
      case "adhoc": {
        const r = await runCommand(o.controller.request, {
          to: o.hub,
          node: CMD_CONTROL,
          fields: { device: o.device, channel: "relay", value: word },
          timeoutMs: 10_000,
        });
        const outcome = r.form?.fields.get("outcome")?.[0] ?? r.notes[0]?.type ?? r.status;
        return count(`adhoc: ${outcome}`);
      }
      case "direct":
        return setDirect(o.controller, "direct");
      case "stranger-direct":
        return setDirect(o.stranger, "stranger");
    }
  };

  const loop = (async () => {
    while (!stopped) {
      const action = o.rng.pick(WEIGHTED);
      try {
        await once(action);
      } catch (error) {
        // Offline (the server was killed), an IQ timeout: the command's fate is what the oracle checks.
        count(`${action}: ${(error as Error).name ?? "error"}`);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, o.rng.int(...o.paceMs)));
    }
  })();

  return {
    direct,
    outcomes,
    replies: (who: ClientConnection) => replies.get(who) ?? [],
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The hub's one reply, reduced to its kind (hub/control/text.ts wording). */
function classify(body: string): string {
  if (body.startsWith("Done:")) return "done";
  if (body.startsWith("Timed out:")) return "timed out";
  if (body.includes("is offline")) return "offline";
  if (/expired/i.test(body)) return "expired";
  if (body === "no reply") return "no reply";
  return `refused (${body.slice(0, 60)})`;
}
