/* Login cost: the shared session's SCRAM-SHA-1 on node:crypto (shared/xmpp/client.ts, scram.ts,
 * scram-node.ts) against @xmpp/client's default mechanism (10 000 awaited WebCrypto HMACs),
 * against the same real Prosody, interleaved in one run. Run: npm run bench:login [-- --rounds 20]
 * References: RFC 5802 §3 (SCRAM), docs/design.md §4 (PBKDF2 cost). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { client as libraryClient } from "@xmpp/client";
import { serverSchema } from "../../server/config";
import { runServer } from "../../server/run";
import { silentLogger } from "../../shared/log";
import { createClient, useNativeScram } from "../../shared/xmpp/client";
import { registerAccount } from "../../shared/xmpp/register";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 20;
const log = silentLogger();
const dir = mkdtempSync(join(tmpdir(), "xiot-bench-login-"));
const server = await runServer(serverSchema.parse({ dir, c2sPort: 0, componentPort: 0, httpPort: 0 }), log);
const { c2s: service, domain } = server.info;
const account = { service, domain, username: "bench", password: "correct horse battery staple" };
await registerAccount({ config: account, log });

async function nativeLogin(): Promise<number> {
  const started = performance.now();
  const connection = createClient({ config: { ...account, resource: "bench" }, log });
  await connection.start();
  const elapsed = performance.now() - started;
  await connection.stop();
  return elapsed;
}

async function libraryLogin(nativeScram = false): Promise<number> {
  const started = performance.now();
  const xmpp = libraryClient({ ...account, resource: "bench" });
  if (nativeScram) useNativeScram(xmpp);
  xmpp.on("error", () => {
    // Errors surface through start() below.
  });
  await xmpp.start();
  const elapsed = performance.now() - started;
  xmpp.reconnect.stop();
  await xmpp.stop();
  return elapsed;
}

const native: number[] = [];
const library: number[] = [];
const libraryNativeScram: number[] = [];
await nativeLogin(); // warm-up: module loading and the first connection
await libraryLogin();
for (let i = 0; i < rounds; i++) {
  native.push(await nativeLogin());
  library.push(await libraryLogin());
  libraryNativeScram.push(await libraryLogin(true));
}
await server.stop();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (name: string, xs: number[]) =>
  `${name.padEnd(38)} median ${median(xs).toFixed(1).padStart(7)} ms   mean ${mean(xs).toFixed(1).padStart(7)} ms`;
console.log(`login to Prosody 0.12 on loopback, SCRAM-SHA-1 with 4096 iterations, ${rounds} rounds each`);
console.log(row("xiot (native PBKDF2)", native));
console.log(row("@xmpp/client default (WebCrypto)", library));
console.log(row("@xmpp/client with native SCRAM only", libraryNativeScram));
console.log(`ratio library default / xiot (median): ${(median(library) / median(native)).toFixed(1)}x`);
console.log(
  `ratio library default / library with native SCRAM (median, PBKDF2 alone): ${(median(library) / median(libraryNativeScram)).toFixed(1)}x`,
);
