import type SQLite from 'better-sqlite3';

/**
 * The lookup of `report_keys` by key on SQLite (migration 2026-12-12-101): an FTS5 index, contentless, with
 * neither positions nor sizes, holding one document per report whose words are its keys (`keyToken`) and whose
 * rowid is its incident's start day and its seq (`keyRowid`). A b-tree index on (kind, key, …) took a leaf page
 * at random for each of a report's two dozen keys at every save; FTS5 writes a group commit's entries as one
 * segment, merged later in large sequential pieces. The rowid order is the order `related` takes candidates in
 * (newest incident first), so the newest sharers of a key are the first rowids of its doclist read backwards,
 * and the seq in the rowid names the report without another lookup. The document's words are written again
 * from the stored `report_keys` rows when a save changes them (a contentless table is told what it deletes).
 */
export const KEY_INDEX = 'report_key_index';

/** Seqs take the low 36 bits of a rowid, the start day (since 1900) the bits above, under 2^53. */
const SEQ_SPAN = 2 ** 36;
const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1900, 0, 1);
const MAX_DAY = 2 ** 53 / SEQ_SPAN - 1;

/** The word of a key: its kind and key as hex, one token whatever characters the key holds. */
export function keyToken(kind: string, key: string): string {
  return Buffer.from(`${kind}\u0000${key}`, 'utf8').toString('hex');
}

/** The query finding the reports with a key. */
export const keyQuery = (kind: string, key: string) => `"${keyToken(kind, key)}"`;

/** The rowid of a report's keys: its start day (the date an ISO start begins with; none counts as oldest), then its seq. */
export function keyRowid(started: string, seq: number): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(started);
  const day = m ? Math.floor((Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) - EPOCH_1900) / DAY_MS) : 0;
  return Math.min(Math.max(Number.isFinite(day) ? day : 0, 0), MAX_DAY) * SEQ_SPAN + seq;
}

/** The seq a rowid of the index names. */
export const seqOfKeyRowid = (rowid: number) => rowid % SEQ_SPAN;

/** A report's document in the index: its rowid and its words (sorted, so that equal sets compare equal). */
export interface KeyDocument {
  rowid: number;
  text: string;
}

/** The document of a report's `report_keys` rows (each carries the report's start), or undefined for none. */
export function keyDocument(
  seq: number,
  keys: readonly { kind: string; key: string; started: string }[],
): KeyDocument | undefined {
  if (keys.length === 0) return undefined;
  return {
    rowid: keyRowid(keys[0]!.started, seq),
    text: keys
      .map((k) => keyToken(k.kind, k.key))
      .sort()
      .join(' '),
  };
}

/** A change of a report's document: the stored one taken out, the new one put in (either may be none). */
export type KeyChange = [before: KeyDocument | undefined, after: KeyDocument | undefined];

const same = (a: KeyDocument | undefined, b: KeyDocument | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.rowid === b.rowid && a.text === b.text);

/**
 * Write changes to the index, in order (a report saved twice in a group has two). Run after a group's other
 * writes: FTS5 writes the entries it holds whenever a savepoint opens (see SqliteSaves.writeSearch).
 */
export function writeKeyChanges(
  run: (text: string, params: unknown[]) => void,
  changes: readonly KeyChange[],
): void {
  for (const [before, after] of changes) {
    if (same(before, after)) continue;
    if (before) run(REMOVE_SQL, [before.rowid, before.text]);
    if (after) run(ADD_SQL, [after.rowid, after.text]);
  }
}

const REMOVE_SQL = `insert into ${KEY_INDEX} (${KEY_INDEX}, rowid, k) values ('delete', ?, ?)`;
const ADD_SQL = `insert into ${KEY_INDEX} (rowid, k) values (?, ?)`;

/** Whether the index is there and filled (fillKeyIndex drops report_keys_lookup as it fills it). */
export function keyIndexReady(db: SQLite.Database): boolean {
  const names = db
    .prepare("select name from sqlite_master where name in ('report_key_index', 'report_keys_lookup')")
    .pluck()
    .all();
  return names.length === 1 && names[0] === KEY_INDEX;
}

/**
 * Fill the index from report_keys (migration 2026-12-12-101 made it empty) and drop report_keys_lookup, in one
 * transaction: a start cut short leaves the lookup index, and the next start fills the index again. Returns how
 * many reports were indexed (0 when there was nothing to do).
 */
export function fillKeyIndex(db: SQLite.Database): number {
  const names = db
    .prepare("select name from sqlite_master where name in ('report_key_index', 'report_keys_lookup')")
    .pluck()
    .all();
  if (names.length !== 2) return 0;
  return db
    .transaction(() => {
      db.prepare(`insert into ${KEY_INDEX} (${KEY_INDEX}) values ('delete-all')`).run();
      const rows = db.prepare(
        `select r.seq, k.kind, k.key, k.started from reports r join report_keys k on k.report_id = r.id
          where r.seq > ? and r.seq <= ?`,
      );
      const last = Number(db.prepare('select max(seq) from reports').pluck().get() ?? 0);
      const min = Number(db.prepare('select min(seq) from reports').pluck().get() ?? 0);
      let count = 0;
      for (let from = min - 1; from < last; from += BATCH) {
        const bySeq = new Map<number, KeyRow[]>();
        for (const r of rows.iterate(from, from + BATCH) as Iterable<KeyRow & { seq: number }>) {
          const list = bySeq.get(r.seq);
          if (list) list.push(r);
          else bySeq.set(r.seq, [r]);
        }
        writeKeyChanges(
          runner(db),
          [...bySeq].map(([seq, keys]) => [undefined, keyDocument(seq, keys)]),
        );
        count += bySeq.size;
      }
      db.exec('drop index report_keys_lookup');
      return count;
    })
    .immediate();
}

const BATCH = 2_000;

interface KeyRow {
  kind: string;
  key: string;
  started: string;
}

/** Statements run on a connection (prepared each time: for fills, not saves). */
export const runner =
  (db: SQLite.Database) =>
  (text: string, params: unknown[]): void => {
    db.prepare(text).run(...params);
  };
