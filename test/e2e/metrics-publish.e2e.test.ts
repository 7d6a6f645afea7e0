import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/agent/e2e";
import { type CliProcess, jsonLogLines } from "../helpers/cli";
import { create, eventOf, inbox, publish, subscribe } from "../helpers/pubsub";
import { startServer, type TestServer } from "./server";

/** One sample of a Prometheus text exposition, 0 when absent. */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe("the hub's /metrics and /healthz", () => {
  let server: TestServer;
  let hub: CliProcess;
  let base: string;
  const scrape = async () => (await fetch(`${base}metrics`)).text();

  beforeAll(async () => {
    server = await startServer();
    hub = await server.hub(["--http.port", "0", "--hub.allowLocalUsers"]);
    await hub.waitForLine("stderr", (t) => t.includes("dashboard at"), 10_000);
    base = String(jsonLogLines(hub.stderr).find((l) => typeof l.url === "string")?.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("counts what a publish load published and delivered, scraped during the load and after", async () => {
    const node = `metrics-load-${process.pid}`;
    const publisher = await server.client(await server.register());
    const readers = [
      await server.client(await server.register()),
      await server.client(await server.register()),
    ];
    const boxes = readers.map(inbox);
    await create(publisher, node);
    for (const reader of readers) await subscribe(reader, node);
    const before = await scrape();
    const publishesBefore = sample(before, 'xiot_pubsub_publishes_total{kind="other"}');
    const deliveriesBefore = sample(before, "xiot_pubsub_deliveries_total");
    expect(sample(before, "xiot_pubsub_subscriptions")).toBe(2);

    const N = 200;
    const during: number[] = [];
    let publishing = true;
    const scraper = (async () => {
      while (publishing) during.push(sample(await scrape(), 'xiot_pubsub_publishes_total{kind="other"}'));
    })();
    for (let batch = 0; batch < N / 20; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          publish(
            publisher,
            node,
            `<entry xmlns='urn:xiot:test:0'>${batch * 20 + i}</entry>`,
            `i${batch * 20 + i}`,
          ),
        ),
      );
    }
    publishing = false;
    await scraper;
    // Scrapes during the load saw a count that only grew and never passed what was acknowledged.
    expect(during.length).toBeGreaterThan(0);
    expect(during).toEqual([...during].sort((a, b) => a - b));
    expect(Math.max(...during) - publishesBefore).toBeLessThanOrEqual(N);

    for (const box of boxes) await box.barrier();
    const received = boxes.map((b) => b.pending((m) => eventOf(m, node) !== undefined).length);
    expect(received).toEqual([N, N]);
    const after = await scrape();
    expect(sample(after, 'xiot_pubsub_publishes_total{kind="other"}') - publishesBefore).toBe(N);
    expect(sample(after, "xiot_pubsub_deliveries_total") - deliveriesBefore).toBe(2 * N);
    expect(sample(after, "xiot_pubsub_subscriptions")).toBe(2);
    expect(sample(after, "xiot_storage_bytes")).toBeGreaterThan(0);
    expect(after).toContain("# TYPE xiot_commands_total counter");
  });

  it("/healthz is 200 while the component link is online and 503 once the server is gone", async () => {
    const ok = await fetch(`${base}healthz`);
    expect(ok.status).toBe(200);
    await server.process.stop("SIGTERM");
    await eventually(async () => (await fetch(`${base}healthz`)).status === 503, 15_000);
    expect(await (await fetch(`${base}healthz`)).text()).toBe("component link offline\n");
  });
});
