/* The control service over the hub's real parts: the component's IQ caller and link, the device
 * registry, availability, the PubSub store, and the control store on disk.
 * References: docs/design.md §1 (the hub routes actuator commands), docs/design.md §3 (chat and ad-hoc forms). */
import type { Element } from "@xmpp/xml";
import type { IqCaller } from "../../shared/xmpp/iq-caller";
import type { Link } from "../../shared/xmpp/link";
import type { AccessRule } from "../access/rule";
import type { DeviceService } from "../devices/service";
import { createChatTrends } from "../history/chat-trend";
import type { HistoryStore } from "../history/types";
import type { ServiceEvents } from "../pubsub/events";
import type { PubsubStore } from "../pubsub/storage/types";
import { createControlCommands, createControlStages } from "./adhoc";
import { createChatControl } from "./chat";
import { createDeviceInfo } from "./device-info";
import { type Availability, createCommandLifecycle } from "./lifecycle";
import { createQueries } from "./queries";
import { createReadout } from "./readout";
import { createReportedActuations } from "./reported";
import { openControlStore } from "./store";
import type { ControlSettings } from "./types";

export interface HubControlDeps {
  hubJid: string;
  domain: string;
  iq: IqCaller;
  link: Link;
  devices: DeviceService;
  /** Availability as the hub tracks it (hub/availability). */
  availability(device: string): { availability?: string; since?: number };
  pubsubStore: Pick<PubsubStore, "lastItem" | "getItems">;
  /** The PubSub service's events: each state item a device publishes is read for actuations
   * (reported.ts). Without them, history sees only each device's latest state item. */
  events?: Pick<ServiceEvents, "on">;
  /** SQLite file of the control store. */
  path: string;
  settings: ControlSettings;
  /** Told every command's outcome (metrics). */
  onOutcome?: (kind: string) => void;
  /** Telemetry history and the one access rule, for the chat's `<device> <channel> <range>`. */
  history?: { store: HistoryStore; access: Pick<AccessRule, "factsOf" | "refusal"> };
}

/** Resolves true when the link is (or comes) online within `ms`. */
export function waitOnline(link: Link, ms: number): Promise<boolean> {
  if (link.online) return Promise.resolve(true);
  if (ms <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      link.off("online", onOnline);
      resolve(value);
    };
    const onOnline = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    link.on("online", onOnline);
  });
}

export function createHubControl(deps: HubControlDeps) {
  const clock = { now: () => Date.now() };
  const store = openControlStore(deps.path);
  const info = createDeviceInfo(deps.pubsubStore);
  const reported = createReportedActuations({
    store,
    pubsubStore: deps.pubsubStore,
    ...(deps.events && { events: deps.events }),
  });
  reported.start(); // before the hub goes online: no state item goes unseen
  const exists = async (id: string) => (await deps.devices.access(id)).ok;
  const routed = createCommandLifecycle({
    iq: deps.iq,
    hubJid: deps.hubJid,
    domain: deps.domain,
    clock,
    store,
    devices: { exists, roleOf: deps.devices.roleOf },
    availability: (id) => deps.availability(id).availability as Availability,
    info,
    whenOnline: (ms) => waitOnline(deps.link, ms),
    settings: deps.settings,
  });
  const router: typeof routed = {
    ...routed,
    async control(request) {
      const outcome = await routed.control(request);
      deps.onOutcome?.(outcome.kind);
      return outcome;
    },
  };
  const readout = createReadout({
    iq: deps.iq,
    hubJid: deps.hubJid,
    domain: deps.domain,
    timeoutMs: deps.settings.timeoutMs,
  });
  const queries = createQueries({
    devices: {
      exists,
      roleOf: deps.devices.roleOf,
      async audit(device, limit) {
        return (await deps.devices.audit(device, limit)).map((a) => ({
          time: a.time,
          device: a.device,
          actor: a.actor,
          id: null,
          command: a.action,
          outcome: a.outcome === "ok" ? "done" : "refused",
          detail: a.detail,
        }));
      },
    },
    availability: deps.availability,
    info,
    readout,
    store,
    reported,
  });
  const listDevices = async (who: string) => {
    const r = await deps.devices.listDevices(who);
    return r.ok ? r.value : [];
  };
  const stages = createControlStages({ listDevices, info, router, queries, clock });
  return {
    router,
    queries,
    /** What the hub knows of each device from its items (meta, state, newest readings). */
    info,
    chat: createChatControl({
      router,
      queries,
      clock,
      availability: deps.availability,
      ...(deps.history && {
        trend: createChatTrends({
          history: deps.history.store,
          access: deps.history.access,
          meta: (device) => info.meta(device),
          now: clock.now,
        }).trend,
      }),
    }),
    commands: createControlCommands(stages, deps.hubJid),
    /** Messages to the hub: true when it was a readout's fields. */
    onMessage: (stanza: Element) => readout.onMessage(stanza),
    close: () => {
      reported.stop();
      store.close();
    },
  };
}

export type HubControl = ReturnType<typeof createHubControl>;
