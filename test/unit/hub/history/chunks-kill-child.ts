/* Child of chunks-kill.test.ts: adds batches to a chunked history on a WAL + synchronous=FULL
 * file, sealing and pruning as it goes, and prints "ack <n>" after each add has committed. */
import Database from "better-sqlite3";
import { openChunkedHistory } from "../../../../hub/history/sqlite-chunks";
import { DEFAULT_RETENTION, HOUR } from "../../../../hub/history/types";

const db = new Database(process.argv[2] as string);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
const history = openChunkedHistory(db, DEFAULT_RETENTION, { windowMs: HOUR, sealLagMs: 0 });
const t0 = Date.UTC(2026, 10, 1);
for (let n = 0; ; n++) {
  const t = t0 + n * 60_000;
  history.add("d1", [{ c: "t", t, v: n / 100 }], t + 1);
  // A late reading into a sealed window now and then, and sealing each hour.
  if (n % 7 === 0 && n > 120) history.add("d1", [{ c: "t", t: t - 90 * 60_000 + 1, v: -n }], t + 1);
  if (n % 60 === 0) history.prune(t + 1, 10_000);
  process.stdout.write(`ack ${n}\n`);
}
