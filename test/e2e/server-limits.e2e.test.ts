/* A flooding client is held to its read rate at its own socket (Prosody's mod_limits, in the
 * configuration `xiot server` writes: `--c2s-rate`), while another client's round trips go on
 * at once. Real `xiot server`, two real client sessions. The flooder writes its whole backlog
 * at once; the server may read it no faster than the rate, so its answers take at least
 * backlog / rate (a lower bound: a slower machine only makes it longer), and the quiet
 * session's pings, sent after the backlog, are all answered before the backlog is. */
import xml from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientConnection } from "../../shared/xmpp/client";
import { startServer, type TestServer } from "./server";

const RATE = 16_000; // bytes/s: "16kb/s" in Prosody's decimal units
const FLOOD = 48;
const PADDING = "x".repeat(1000);
const QUIET = 10;
/** epoll reads up to 8 KiB before the first pause: that much may come in at once. */
const READ_SIZE = 8192;

const ping = (domain: string, padded: boolean) =>
  xml(
    "iq",
    { type: "get", to: domain },
    // XEP-0199 §4: the server answers any ping; what is inside only costs bytes.
    xml("ping", { xmlns: "urn:xmpp:ping" }, ...(padded ? [xml("padding", {}, PADDING)] : [])),
  );

describe("xiot server --c2s-rate", () => {
  let server: TestServer;
  let flooder: ClientConnection;
  let quiet: ClientConnection;

  beforeAll(async () => {
    server = await startServer(["--c2s-rate", "16kb/s"]);
    flooder = await server.client(await server.register(), "flood");
    quiet = await server.client(await server.register(), "quiet");
  }, 90_000);
  afterAll(() => server?.stop());

  it("writes the limit into Prosody's configuration", async () => {
    const { readFileSync } = await import("node:fs");
    const config = readFileSync(`${server.dir}/prosody.cfg.lua`, "utf8");
    expect(config).toMatch(/modules_enabled = \{[^}]*"limits"/);
    expect(config).toContain('c2s = { rate = "16kb/s"');
  });

  it("reads a flooding session at its rate while another session's pings are answered first", async () => {
    const domain = server.info.domain;
    const stanzas = Array.from({ length: FLOOD }, () => ping(domain, true));
    const bytes = stanzas.reduce((sum, s) => sum + Buffer.byteLength(s.toString()), 0);
    let answered = 0;
    const t0 = performance.now();
    const flood = Promise.all(
      stanzas.map((s) =>
        flooder.request(s, 60_000).then(() => {
          answered++;
        }),
      ),
    );
    const floodDone = flood.then(() => performance.now() - t0);

    const quietAnsweredWhileFlooding: number[] = [];
    for (let i = 0; i < QUIET; i++) {
      await quiet.request(ping(domain, false), 10_000);
      quietAnsweredWhileFlooding.push(FLOOD - answered);
    }
    const floodMs = await floodDone;

    // Every quiet ping came back while the flood still had answers outstanding.
    expect(quietAnsweredWhileFlooding.every((outstanding) => outstanding > 0)).toBe(true);
    expect(answered).toBe(FLOOD);
    // The backlog beyond the first read was read at no more than the rate.
    expect(floodMs).toBeGreaterThanOrEqual(((bytes - READ_SIZE) / RATE) * 1000 * 0.9);
  }, 90_000);
});
