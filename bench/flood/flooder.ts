/* The flooding device, in its own process so that its thousands of pending requests never share
 * an event loop with the quiet device's measurements (bench/flood/main.ts starts it). Prints
 * {"ready":true} once online, floods when a line arrives on stdin, then prints one JSON line with
 * what the hub answered and exits. Configuration comes in XIOT_FLOOD_* variables. */
import { createInterface } from "node:readline";
import { fromBase64 } from "../../shared/exi";
import { makeEncodedReadingsPayload } from "../../shared/exi/payload";
import { createLogger } from "../../shared/log";
import { readingsNode } from "../../shared/model";
import { createClient } from "../../shared/xmpp/client";
import { IqTimeoutError } from "../../shared/xmpp/iq-caller";
import { makePublish } from "../../shared/xmpp/pubsub";
import { stanzaCondition } from "../pubsub/measure";
import { makePayload } from "../pubsub/phase";

const env = (name: string) => {
  const value = process.env[`XIOT_FLOOD_${name}`];
  if (value === undefined) throw new Error(`XIOT_FLOOD_${name} is not set`);
  return value;
};
const [count, seconds, hub, name] = [Number(env("COUNT")), Number(env("SECONDS")), env("HUB"), env("NAME")];
const config = { service: env("C2S"), domain: env("DOMAIN"), username: name, password: env("PASSWORD") };
const connection = createClient({
  config: { ...config, resource: "agent" },
  log: createLogger({ level: "warn" }),
});
await connection.start();
const readings = makeEncodedReadingsPayload(fromBase64(makePayload(name)) ?? new Uint8Array());
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));
process.stdout.write('{"ready":true}\n');
await new Promise((resolve) => createInterface({ input: process.stdin }).once("line", resolve));

const outcome: Record<string, number> = {};
const tally = (k: string) => {
  outcome[k] = (outcome[k] ?? 0) + 1;
};
/** Unanswered requests are one outcome, not one per IQ id. */
const timeoutOrMessage = (error: Error) =>
  error instanceof IqTimeoutError ? "no answer in 60 s" : error.message;
const pending: Promise<void>[] = [];
const start = performance.now();
const perTick = Math.max(1, Math.round(count / (seconds * 100))); // a tick every 10 ms
for (let sent = 0; sent < count; ) {
  await sleepUntil(start + (sent / count) * seconds * 1000);
  for (let k = 0; k < perTick && sent < count; k++, sent++) {
    const iq = makePublish(hub, readingsNode(name), readings, { id: `f.1-${sent}` });
    pending.push(
      connection.request(iq, 60_000).then(
        () => tally("ok"),
        (error) => tally(stanzaCondition(error) ?? timeoutOrMessage(error as Error)),
      ),
    );
  }
}
const sentIn = (performance.now() - start) / 1000;
await Promise.all(pending);
const answeredIn = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ outcome, sentIn, answeredIn })}\n`);
await connection.stop();
