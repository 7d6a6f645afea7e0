/* Crash-test child: takes a boot id, then appends documents to a file outbox forever, one operation
 * at a time, acking every seq with seq % 3 != 1 right after its append. Prints `boot <counter> <id>`
 * once, then `ok <itemId>` after each append resolved and `ack <itemId>` after each ack resolved.
 * The parent SIGKILLs it at a random point.
 * Usage: tsx outbox-crash-child.ts <stateDir> <fsync policy> */

import { openFileOutboxStore } from "../../../agent/outbox/file";
import { nextBootId } from "../../../agent/readings/boot-id";

const [dir, fsync = "always"] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: outbox-crash-child.ts <stateDir> [fsync]");

const boot = await nextBootId({ stateDir: dir });
process.stdout.write(`boot ${boot.counter} ${boot.id}\n`);
const store = await openFileOutboxStore({
  dir,
  fsync,
  compactMinBytes: 2048,
  limits: { maxRecords: 1_000_000, policy: "pause" },
});
for (let seq = 0; ; seq++) {
  const itemId = `${boot.id}-${seq}`;
  const payload = Buffer.from(JSON.stringify({ seq, pad: "x".repeat(seq % 97) }));
  const res = await store.append(() => ({ itemId, count: 1, payload }));
  if (!res.ok) throw new Error(`append refused: ${res.error}`);
  process.stdout.write(`ok ${itemId}\n`);
  if (seq % 3 !== 1) {
    await store.ack(res.key);
    process.stdout.write(`ack ${itemId}\n`);
  }
}
