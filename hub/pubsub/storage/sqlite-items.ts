/* Item table access for the SQLite PubSub store: prepared statements, per-node item counts
 * (so that trimming to max_items never scans a node), newest-first RSM paging. */
import type { Database } from "better-sqlite3";
import type { ItemPage, ItemQuery, PutItemOptions, PutItemResult, StoredItem } from "./types";

interface ItemRow {
  id: string;
  seq: number;
  payload: string;
  publisher: string;
  published: number;
}

const toItem = (r: ItemRow): StoredItem => ({
  id: r.id,
  payload: r.payload,
  publisher: r.publisher,
  published: r.published,
});

const COLS = "id, seq, payload, publisher, published";
const FLOOR = Number.MIN_SAFE_INTEGER;

export function prepareItems(db: Database) {
  const q = {
    get: db.prepare<[string, string], ItemRow>(`SELECT ${COLS} FROM items WHERE node = ? AND id = ?`),
    insert: db.prepare(
      "INSERT INTO items (node, id, seq, payload, publisher, published) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    del: db.prepare<[string, string]>("DELETE FROM items WHERE node = ? AND id = ?"),
    count: db.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM items WHERE node = ? AND published >= ?",
    ),
    countNewer: db.prepare<[string, number, number], { n: number }>(
      "SELECT count(*) AS n FROM items WHERE node = ? AND seq > ? AND published >= ?",
    ),
    newest: db.prepare<[string, number, number], ItemRow>(
      `SELECT ${COLS} FROM items WHERE node = ? AND published >= ? ORDER BY seq DESC LIMIT ?`,
    ),
    older: db.prepare<[string, number, number, number], ItemRow>(
      `SELECT ${COLS} FROM items WHERE node = ? AND seq < ? AND published >= ? ORDER BY seq DESC LIMIT ?`,
    ),
    newer: db.prepare<[string, number, number, number], ItemRow>(
      `SELECT ${COLS} FROM items WHERE node = ? AND seq > ? AND published >= ? ORDER BY seq ASC LIMIT ?`,
    ),
    oldestIds: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM items WHERE node = ? ORDER BY seq ASC LIMIT ?",
    ),
    expiredIds: db.prepare<[string, number], { id: string }>(
      "SELECT id FROM items WHERE node = ? AND published < ?",
    ),
    purge: db.prepare<[string]>("DELETE FROM items WHERE node = ?"),
    maxSeq: db.prepare<[], { s: number | null }>("SELECT max(seq) AS s FROM items"),
  };
  let nextSeq = (q.maxSeq.get()?.s ?? 0) + 1;
  const counts = new Map<string, number>();

  const countOf = (node: string): number => {
    let n = counts.get(node);
    if (n === undefined) {
      n = q.count.get(node, FLOOR)?.n ?? 0;
      counts.set(node, n);
    }
    return n;
  };
  const removeIds = (node: string, ids: string[]): string[] => {
    for (const id of ids) q.del.run(node, id);
    if (ids.length > 0) counts.set(node, countOf(node) - ids.length);
    return ids;
  };
  const trim = (node: string, maxItems: number): string[] => {
    const excess = countOf(node) - maxItems;
    if (excess <= 0) return [];
    return removeIds(
      node,
      q.oldestIds.all(node, excess).map((r) => r.id),
    );
  };

  /** Runs inside a group-commit savepoint. */
  const put = (node: string, item: StoredItem, options: PutItemOptions): PutItemResult => {
    const existing = q.get.get(node, item.id);
    if (existing && options.ifAbsent) return { status: "exists", existing: toItem(existing), removed: [] };
    options.alsoWrite?.(); // first: a throw undoes this savepoint before any cache is touched
    const before = countOf(node);
    if (existing) q.del.run(node, item.id);
    q.insert.run(node, item.id, nextSeq, item.payload, item.publisher, item.published);
    nextSeq++;
    counts.set(node, existing ? before : before + 1);
    return { status: "stored", removed: trim(node, options.maxItems) };
  };

  const page = (node: string, query: ItemQuery): ItemPage => {
    const floor = query.publishedAfter ?? FLOOR;
    const total = q.count.get(node, floor)?.n ?? 0;
    const cursorId = query.after ?? query.before;
    if (cursorId === undefined) {
      const rows = q.newest.all(node, floor, query.limit);
      return { items: rows.map(toItem), total, firstIndex: 0, cursorFound: true };
    }
    const cursor = q.get.get(node, cursorId);
    if (!cursor || cursor.published < floor) return { items: [], total, firstIndex: 0, cursorFound: false };
    const newerThanCursor = q.countNewer.get(node, cursor.seq, floor)?.n ?? 0;
    if (query.after !== undefined) {
      const rows = q.older.all(node, cursor.seq, floor, query.limit);
      return { items: rows.map(toItem), total, firstIndex: newerThanCursor + 1, cursorFound: true };
    }
    const rows = q.newer.all(node, cursor.seq, floor, query.limit).reverse();
    return { items: rows.map(toItem), total, firstIndex: newerThanCursor - rows.length, cursorFound: true };
  };

  return {
    put,
    page,
    trim,
    get: (node: string, id: string) => {
      const row = q.get.get(node, id);
      return row && toItem(row);
    },
    last: (node: string) => {
      const row = q.newest.get(node, FLOOR, 1);
      return row && toItem(row);
    },
    remove: (node: string, id: string) => removeIds(node, q.get.get(node, id) ? [id] : []).length > 0,
    purge: (node: string) => {
      const n = q.purge.run(node).changes;
      counts.set(node, 0);
      return n;
    },
    expire: (node: string, cutoff: number) =>
      removeIds(
        node,
        q.expiredIds.all(node, cutoff).map((r) => r.id),
      ),
    forget: (node: string) => counts.delete(node),
    clearCaches: () => {
      counts.clear();
      nextSeq = (q.maxSeq.get()?.s ?? 0) + 1;
    },
  };
}
