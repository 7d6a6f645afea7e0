/* The real `xiot hub` against a fake component listener that completes the XEP-0114 handshake
 * and then sends what RFC 6120 §11 forbids. Each case: the hub answers with the stream error's
 * condition, closes, /healthz turns 503 at once, and a new handshake arrives (the next case uses
 * that connection). One hub for all cases, with a short reconnect backoff. */
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, jsonLogLines, runXiot } from "../helpers/cli";

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' " +
  "xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='hub.localhost'>";

/** One connection to the fake listener: what the hub sent, and a way to finish its handshake. */
class Peer {
  received = "";
  readonly closed: Promise<unknown>;
  private waiters: { re: RegExp; resolve: () => void }[] = [];
  constructor(readonly socket: Socket) {
    this.closed = once(socket, "close");
    socket.on("error", () => undefined); // the hub may reset the connection; "close" follows
    socket.on("data", (data) => {
      if (this.received === "") socket.write(HEADER);
      this.received += data.toString("latin1");
      for (const w of [...this.waiters]) if (w.re.test(this.received)) w.resolve();
    });
  }
  until(re: RegExp): Promise<void> {
    if (re.test(this.received)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
  /** XEP-0114 §3: the server accepts the handshake. */
  accept(): void {
    this.socket.write("<handshake/>");
  }
}

const STREAMS = "urn:ietf:params:xml:ns:xmpp-streams";
const CASES: [string, Buffer, string][] = [
  ["a DOCTYPE", Buffer.from("<!DOCTYPE stream:stream [<!ENTITY a 'b'>]>"), "restricted-xml"],
  [
    "a duplicate attribute",
    Buffer.from("<message to='hub.localhost' to='x.localhost' from='a@localhost'/>"),
    "not-well-formed",
  ],
  ["a comment", Buffer.from("<!-- a comment -->"), "restricted-xml"],
  ["a processing instruction", Buffer.from("<?xml-stylesheet href='x'?>"), "restricted-xml"],
  [
    "invalid UTF-8",
    Buffer.from([0x3c, 0x6d, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x6d, 0x3e]),
    "unsupported-encoding",
  ],
];

describe("the hub on a component stream that breaks RFC 6120 §11", () => {
  let fake: Server;
  let hub: CliProcess;
  let healthz: string;
  const peers: Peer[] = [];
  const waiting: ((peer: Peer) => void)[] = [];
  /** The connection after those seen so far, once it arrives. */
  const peerNumber = (n: number) =>
    peers[n] ? Promise.resolve(peers[n]) : new Promise<Peer>((resolve) => waiting.push(resolve));

  beforeAll(async () => {
    fake = createServer();
    fake.on("connection", (socket) => {
      const peer = new Peer(socket);
      peers.push(peer);
      for (const resolve of waiting.splice(0)) resolve(peer);
    });
    fake.listen(0, "127.0.0.1");
    await once(fake, "listening");
    const { port } = fake.address() as { port: number };
    hub = runXiot([
      "hub",
      ...["--dir", mkdtempSync(join(tmpdir(), "xiot-stream-errors-"))],
      ...["--xmpp.service", `xmpp://127.0.0.1:${port}`, "--xmpp.domain", "hub.localhost"],
      ...["--xmpp.password", "secret", "--xmpp.reconnect.initialMs", "100", "--xmpp.reconnect.maxMs", "200"],
      ...["--http.port", "0", "--log.format", "json"],
    ]);
    await hub.waitForLine("stderr", (t) => t.includes("dashboard at"), 30_000);
    healthz = new URL(
      "/healthz",
      String(jsonLogLines(hub.stderr).find((l) => typeof l.url === "string")?.url),
    ).href;
  });
  afterAll(async () => {
    await hub?.stop();
    for (const peer of peers) peer.socket.destroy();
    fake?.close();
  });

  const status = async () => (await fetch(healthz)).status;

  it.each(CASES)("%s: a stream error, a close, 503, then a new handshake", async (_what, bad, condition) => {
    const n = CASES.findIndex(([, b]) => b === bad);
    const peer = await peerNumber(n);
    await peer.until(/<\/handshake>/);
    expect(await status()).toBe(503); // handshake sent, not yet accepted: not linked
    const since = Date.now();
    peer.accept();
    await hub.waitForLine("stderr", (t) => t.includes("component hub.localhost: online"), 10_000, since);
    expect(await status()).toBe(200);

    peer.socket.write(bad);
    const streamError = new RegExp(`<stream:error><${condition} xmlns=["']${STREAMS}["']/></stream:error>`);
    await peer.until(streamError);
    expect(await status()).toBe(503);
    await peer.closed;
    // The hub reconnects: a second handshake arrives; still 503 until it is accepted.
    const second = await peerNumber(n + 1);
    await second.until(/<\/handshake>/);
    expect(await status()).toBe(503);
    const retry = jsonLogLines(hub.stderr).filter((l) => typeof l.attempt === "number" && l.at >= since);
    expect(String(retry[0]?.msg)).toContain(condition);
    expect(hub.child.exitCode).toBeNull();
  });
});
