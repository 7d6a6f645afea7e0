/* After a reload, the dashboard shows an actuator as the device's state item says, never as the
 * replayed readings history says (history pages come newest first, so the oldest reading was
 * drawn last). One stack per order, so the oldest relay reading differs from the final state.
 * References: docs/design.md §2 (nodes: devices/<id>/state), XEP-0060 §6.5 (items). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/log";
import { readingsNode, stateNode } from "../../shared/model";
import { type ClientConnection, createClient } from "../../shared/xmpp/client";
import { decodeReadings, parseState } from "../../shared/xmpp/pubsub-device";
import { parseEvent } from "../../shared/xmpp/pubsub-events";
import { type CliProcess, runXiot } from "../helpers/cli";
import { type Inbox, inbox, subscribe } from "../helpers/pubsub";
import { type DashboardBrowser, logIn, openDashboard } from "./dashboard-browser";
import { startStack, type UpReady } from "./stack";

/** The items of an items notification for this node (the event's element is <items/>). */
const items = (m: Element, node: string): Element[] => {
  const event = parseEvent(m);
  return event?.kind === "items" && event.node === node ? event.element.getChildren("item") : [];
};

function reloadShows(order: boolean[]) {
  const last = order[order.length - 1] as boolean;
  describe(`the relay switched ${order.map((v) => (v ? "on" : "off")).join(" then ")}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "xiot-dash-state-"));
    let up: CliProcess;
    let ready: UpReady;
    let conn: ClientConnection;
    let box: Inbox;
    let dash: DashboardBrowser | undefined;

    beforeAll(async () => {
      ({ proc: up, ready } = await startStack(dir));
      const [username] = ready.user.split("@");
      conn = createClient({
        config: { service: ready.c2s, domain: ready.domain, username: username!, password: ready.password },
        log: silentLogger(),
      });
      await conn.start();
      box = inbox(conn);
      await subscribe(conn, readingsNode(ready.device));
      await subscribe(conn, stateNode(ready.device));
    });
    afterAll(async () => {
      await dash?.close();
      await conn?.stop();
      await up?.stop("SIGINT");
      rmSync(dir, { recursive: true, force: true });
    });

    /** `xiot set`, then the state item says the new value. */
    async function set(value: boolean): Promise<void> {
      const run = runXiot(["set", ready.device, "relay", value ? "on" : "off", "--dir", dir]);
      expect((await run.exited).code, run.stderr.map((l) => l.text).join("\n")).toBe(0);
      await box.next(
        (m) => items(m, stateNode(ready.device)).some((i) => parseState(i)?.actuators.relay?.v === value),
        15_000,
      );
    }

    /** A stored reading says the final value: the history the page loads holds every change. */
    async function recorded(value: boolean): Promise<void> {
      await box.next(
        (m) =>
          items(m, readingsNode(ready.device)).some((i) => {
            const doc = decodeReadings(i);
            return doc.ok && doc.value.r.some((r) => r.c === "relay" && r.v === value);
          }),
        15_000,
      );
    }

    it(`a fresh page shows the switch ${last ? "on" : "off"}, as the state item says`, async () => {
      for (const value of order) await set(value);
      await recorded(last);
      dash = await openDashboard(ready.dashboard);
      const { page } = dash;
      await logIn(page, ready.user, ready.password);
      const card = `.device[data-device="${ready.device}"]`;
      // The card has loaded state and the whole readings history.
      await page.waitForSelector(`${card}[data-loaded=true]`, { timeout: 15_000 });
      const relay = `${card} .actuator[data-actuator=relay]`;
      expect(await page.getAttribute(relay, "data-state")).toBe(String(last));
      expect(await page.getAttribute(`${relay} button`, "aria-checked")).toBe(String(last));
      expect(await page.textContent(`${relay} button`)).toBe(last ? "on" : "off");
      expect(dash.errors).toEqual([]);
    });
  });
}

reloadShows([true, false]);
reloadShows([false, true]);
