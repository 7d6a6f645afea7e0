/* The dashboard page's composition root: learn the server from the hub (/config.json), log in over
 * XMPP WebSocket, find the user's devices, and keep their cards live.
 * References: RFC 7395 (XMPP over WebSocket), XEP-0030 §4.1 (disco#items on the hub),
 * docs/provisioning.md (<devices/> list), docs/design.md §1 (the dashboard subscribes like any subscriber). */
import type { Element } from "@xmpp/xml";
import { parseDeviceNode } from "../shared/model";
import { type ActuatorMeta, type Availability, asAvailability } from "../shared/xmpp/pubsub-device";
import {
  makeDeviceList,
  makeDiscoItems,
  parseDeviceList,
  parseDiscoDevices,
} from "../shared/xmpp/pubsub-discovery";
import { parseItemsEvent } from "../shared/xmpp/pubsub-events";
import { controlThroughHub } from "./control";
import { DeviceFeed } from "./device";
import { DeviceCard } from "./view/device-card";
import { RangePicker } from "./view/range-picker";
import { createSession, type Session, type SessionState } from "./xmpp/session";

interface ClientConfig {
  domain: string;
  hub: string;
  websocket: string | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const feeds = new Map<string, DeviceFeed>();
// One range for the page: every card's charts redraw from the hub's history when it changes.
const picker = new RangePicker((choice) => {
  for (const feed of feeds.values()) void feed.setRange(choice);
});

function showState(state: SessionState, detail?: string): void {
  document.body.dataset.connection = state;
  const banner = $("status");
  const words: Record<SessionState, string> = {
    connecting: "Connecting…",
    online: "Connected",
    offline: "Disconnected",
    failed: "Login failed",
  };
  banner.textContent = detail ? `${words[state]}: ${detail}` : words[state];
  banner.dataset.state = state;
}

async function discover(
  session: Session,
  config: ClientConfig,
): Promise<Map<string, Availability | undefined>> {
  const found = new Map<string, Availability | undefined>();
  try {
    for (const d of parseDeviceList(await session.request(makeDeviceList(config.hub))) ?? [])
      if (d.id !== "") found.set(d.id, asAvailability(d.availability));
  } catch {
    // Why: a hub without the device registry (or one that refuses the list) still lists nodes below.
  }
  for (const id of parseDiscoDevices(await session.request(makeDiscoItems(config.hub)))) {
    if (!found.has(id)) found.set(id, undefined);
  }
  return found;
}

function actuate(
  session: Session,
  config: ClientConfig,
  device: string,
  actuator: ActuatorMeta,
  value: boolean | number | string,
) {
  return controlThroughHub(session.request, config.hub, { device, channel: actuator.name, value });
}

async function refresh(session: Session, config: ClientConfig): Promise<void> {
  const devices = await discover(session, config);
  const list = $("devices");
  $("empty").hidden = devices.size > 0;
  for (const [id, availability] of devices) {
    let feed = feeds.get(id);
    if (!feed) {
      const card = new DeviceCard(id, (a, v) => actuate(session, config, id, a, v));
      list.append(card.root);
      feed = new DeviceFeed({
        id,
        hub: config.hub,
        domain: config.domain,
        session,
        card,
        range: picker.choice,
        ...(availability && { availability }),
      });
      feeds.set(id, feed);
    }
    feed.close();
    await feed.open();
  }
}

function onStanza(stanza: Element, hub: string): void {
  if (stanza.name !== "message" || stanza.attrs.from !== hub) return;
  const event = parseItemsEvent(stanza);
  const id = event && parseDeviceNode(event.node)?.deviceId;
  if (event && id) feeds.get(id)?.onItems(event.node, event.items);
}

async function login(config: ClientConfig, user: string, password: string): Promise<void> {
  const username = user.includes("@") ? user.slice(0, user.indexOf("@")) : user;
  const session = createSession({
    websocket: config.websocket ?? "",
    domain: config.domain,
    username,
    password,
    onState: showState,
    onOnline: () =>
      refresh(session, config).catch((error: Error) =>
        showState("online", `could not list devices (${error.message})`),
      ),
    onStanza: (stanza) => onStanza(stanza, config.hub),
  });
  await session.start();
  $("login").hidden = true;
  $("devices").before(picker.root);
  $("who").textContent = `${username}@${config.domain}`;
  $("logout").hidden = false;
  $("logout").onclick = () => {
    for (const feed of feeds.values()) feed.close();
    void session.stop().then(() => location.reload());
  };
}

async function main(): Promise<void> {
  const config = (await (await fetch("config.json")).json()) as ClientConfig;
  $("domain").textContent = config.domain;
  if (!config.websocket) {
    showState("failed", "the hub does not know the server's WebSocket URL (set http.websocket)");
    return;
  }
  const form = $<HTMLFormElement>("login");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    $<HTMLButtonElement>("login-button").disabled = true;
    login(config, String(data.get("user") ?? ""), String(data.get("password") ?? "")).catch(() => {
      $<HTMLButtonElement>("login-button").disabled = false;
    });
  });
}

void main().catch((error: Error) => showState("failed", `cannot load the configuration (${error.message})`));
