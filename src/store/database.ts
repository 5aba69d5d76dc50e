import { closeSync, existsSync, mkdirSync, openSync, readSync, realpathSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { EventEmitter } from 'node:events';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.types.js';
import { Checkpointer, lastFrameOf } from './checkpointer.js';
import {
  CHANGE_CHANNEL,
  CHANGE_COLUMNS,
  CHANGE_FUNCTION,
  CHANGE_TABLES,
} from './migrations/2026-12-13-300-pg-change-notify.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely handle, which dialect it speaks, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, without credentials, for logs. */
  where: string;
  close(): Promise<void>;
  /**
   * On SQLite, a synchronous single-row query for the few lookups every request makes (token, report):
   * it skips the query builder and the asynchronous connection hand-off. Undefined on PostgreSQL.
   */
  getRow?<T>(sqlText: string, ...params: unknown[]): T | undefined;
  /**
   * On SQLite, the rows of a read as arrays of column values, not objects: for the long pages of lists, where
   * making an object per row costs more than SQLite's own work. Undefined on PostgreSQL.
   */
  rawRows?(sqlText: string, params: readonly unknown[]): unknown[][];
  /**
   * On a SQLite file, a mark that changes with every commit by any connection or process (SQLite's WAL-index
   * header); undefined when it cannot be read, and then only the database itself can say what changed.
   */
  changeMark?(): Buffer | undefined;
  /**
   * On SQLite, the connection itself, for writes made of many small statements (report saves): use it only
   * inside `db.connection().execute(…)`, which keeps every Kysely transaction off it meanwhile.
   */
  sqlite?: SQLite.Database;
  /** On a SQLite file, called after a commit: checkpoints the WAL off the main thread once it has grown (checkpointer.ts). */
  committed?(): void;
  /**
   * On a SQLite file, before a group of saves begins: a promise while new writes wait for a checkpoint to copy
   * the WAL's last frames (so that the WAL starts again from its head), else undefined (checkpointer.ts).
   */
  writesHeld?(): Promise<void> | undefined;
}

/** True when a database URL names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

// PostgreSQL returns BIGINT (counts, sums) as strings by default; every count we take fits a double.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Open the database a URL names: `postgres://…` for PostgreSQL, anything else is a SQLite file path
 * (`sqlite:` prefix optional, `:memory:` for a throwaway database).
 */
export function openStore(
  url: string,
  options: {
    poolSize?: number;
    /** WAL frames that start a checkpoint (SQLite file). */ checkpointFrames?: number;
  } = {},
): Store {
  if (isPostgresUrl(url)) {
    // Idle connections are kept 10 minutes, not pg's default 10 seconds: a new backend costs a fork and, on
    // its first queries, tens of milliseconds loading the catalog and statistics (measured: 35 ms to plan the
    // first search), so a burst after a quiet spell should find the connections it had. Idle ones do not keep
    // a process alive (a CLI command ends when its work does).
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      idleTimeoutMillis: 600_000,
      allowExitOnIdle: true,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const statements = new StatementNames();
    const changes = new ChangeListener(url);
    pool.on('connect', (client) => {
      statements.use(client);
      changes.watch(client);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const where = url.replace(/\/\/[^@/]*@/, '//');
    return {
      db,
      dialect: 'postgres',
      where,
      close: async () => {
        changes.close();
        await db.destroy();
      },
      changeMark: () => changes.mark(),
    };
  }
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Several processes may share the file (serve plus a CLI command): wait for a lock instead of failing.
  sqlite.pragma('busy_timeout = 5000');
  // NORMAL in WAL mode survives a crash of the process; only a power loss can drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: saves are many and small. On a file the
  // checkpointer below does it on a worker thread; the connection's own, at 200 MB, is the backstop.
  const checkpointFrames = options.checkpointFrames ?? 10_000;
  sqlite.pragma(
    `wal_autocheckpoint = ${file === ':memory:' ? checkpointFrames : Math.max(50_000, checkpointFrames * 5)}`,
  );
  // Each save touches a page in a dozen indexes; a 64 MB page cache keeps the upper levels of all of them
  // in memory once the database holds many reports (the default is 2 MB).
  sqlite.pragma('cache_size = -65536');
  // A group commit runs each save in a savepoint (report-writes.ts), and SQLite keeps the pages a savepoint
  // changes in a sub-journal, spilled past 64 KB to a temporary file: a save into a large database changes
  // some 70 pages, so every save wrote them all a second time to /var/tmp (more write calls than its WAL
  // frames). In memory the sub-journal costs a copy of each page. Temporary tables and indexes stay in memory
  // too, and so do sorts that outgrow the cache: migrateToLatest, whose index builds sort whole tables, runs
  // with files (migrator.ts).
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const statements = new Map<string, SQLite.Statement>();
  const getRow = <T>(sqlText: string, ...params: unknown[]): T | undefined => {
    let stmt = statements.get(sqlText);
    if (!stmt) statements.set(sqlText, (stmt = sqlite.prepare(sqlText)));
    return stmt.get(...params) as T | undefined;
  };
  const rawStatements = new Map<string, SQLite.Statement>();
  const rawRows = (sqlText: string, params: readonly unknown[]): unknown[][] => {
    let stmt = rawStatements.get(sqlText);
    if (!stmt) {
      if (rawStatements.size >= 200) rawStatements.clear();
      rawStatements.set(sqlText, (stmt = sqlite.prepare(sqlText).raw(true)));
    }
    return stmt.all(...params) as unknown[][];
  };
  // SQLite keeps its -shm beside the file a symbolic link points to.
  const marks = file === ':memory:' ? undefined : walIndexHeader(`${realpathSync(resolve(file))}-shm`);
  const checkpoints = marks
    ? new Checkpointer(resolve(file), () => lastFrameOf(marks.read()), checkpointFrames)
    : undefined;
  return {
    db,
    dialect: 'sqlite',
    where: file,
    close: async () => {
      await checkpoints?.close();
      marks?.close();
      await db.destroy();
    },
    ...(checkpoints
      ? { committed: () => checkpoints.poke(), writesHeld: () => checkpoints.writesHeld() }
      : {}),
    getRow,
    rawRows,
    sqlite,
    ...(marks ? { changeMark: marks.read } : {}),
  };
}

/**
 * Named (prepared) statements on PostgreSQL for the statements run again and again. pg sends a statement without
 * a name as a Parse every time, and PostgreSQL parses, analyses and plans it anew; a named one is parsed once per
 * connection and its plan kept (after five runs PostgreSQL keeps one generic plan when it costs no more than the
 * plans made for the values). Measured on 20,000 reports: a report's stamp lookup 0.10 → 0.03 ms of the
 * backend's CPU and 0.07 → 0.05 ms of ours, a list page 0.53 → 0.43 ms and 0.85 → 0.55 ms.
 *
 * A read (`select`) gets a name from its third run (one-off statements never do), and at most `max` statements
 * do, so that each connection holds a bounded number. Statements with a full-text condition (`tsquery`) are left out:
 * their best plan depends on the words (walk the reports newest first for a common word, take a rare one's
 * matches from the GIN index; see report-search.query.ts), which a generic plan cannot see, unless the caller marks
 * one (ONE_PLAN) whose values it has already looked at. A named statement
 * that fails because the table under it changed shape since it was prepared (SQLSTATE 0A000, "cached plan must
 * not change result type": a migration run by another process), or because the server no longer holds it
 * (26000: a DEALLOCATE, a pooler in transaction mode), runs unnamed from then on: at once again when it ran
 * outside a transaction, else the transaction fails that once (the error has aborted it).
 */
/** The statements named: reads, and the statements marked ONE_PLAN (the saves' among them, pg-save.ts). */
const READ = /^\s*select\b/i;

/**
 * Marks a statement (a full-text read, a write) whose plan is the same whatever its values, so that it may be
 * named: a caller that has already chosen the plan's shape by the values (a search of a rare word,
 * report-search.query.ts), and a save's statements (pg-save.ts, `named`), start their statement with this.
 */
export const ONE_PLAN = '/* one plan */ ';

/**
 * Errors after which a statement runs unnamed: 0A000, its table changed shape; 26000, the server no longer holds
 * the prepared statement pg believes it parsed (a DEALLOCATE, a pooler handing the client another backend).
 */
const RENAMELESS = new Set<unknown>(['0A000', '26000']);

/** The errors of named statements that failed inside a transaction and run unnamed from then on. */
const unnamedFailures = new WeakSet<object>();

/**
 * Whether `error` is a named statement's failure after which it runs unnamed (StatementNames): a transaction
 * that failed by it may be run again as it is, and cannot fail that way again by the same statement.
 */
export function failedAsNamed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && unnamedFailures.has(error);
}

export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();
  private readonly unnamed = new Set<string>();
  /** Names given so far: a forgotten statement's name is never given again (connections still hold it). */
  private given = 0;
  /**
   * This process's own part of the names: processes that share PostgreSQL's backends (a pooler in transaction
   * mode) must not run each other's statement under the same name.
   */
  private readonly tag = randomBytes(4).toString('hex');

  constructor(private readonly max = 256) {}

  /** The name to run `text` under, if it has one now. */
  nameOf(text: string): string | undefined {
    const named = this.names.get(text);
    if (named !== undefined) return named;
    const onePlan = text.startsWith(ONE_PLAN);
    if (
      this.names.size >= this.max ||
      this.unnamed.has(text) ||
      (!onePlan && (!READ.test(text) || /tsquery/i.test(text)))
    )
      return undefined;
    const runs = (this.seen.get(text) ?? 0) + 1;
    if (runs < 3) {
      if (this.seen.size >= 4 * this.max) this.seen.clear();
      this.seen.set(text, runs);
      return undefined;
    }
    this.seen.delete(text);
    const name = `hindsight_${this.tag}_${++this.given}`;
    this.names.set(text, name);
    return name;
  }

  /** Run `client`'s parameterized statements (as Kysely sends them: text and values) under their names. */
  use(client: pg.PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // The connection's transaction status as of its last ReadyForQuery ('I' idle, 'T' in a transaction, 'E' in a
    // failed one): when a statement fails, its own ReadyForQuery has not arrived yet, so this is the status the
    // statement ran in.
    let status: string | undefined;
    (client as unknown as { connection?: EventEmitter }).connection?.on(
      'readyForQuery',
      (m: { status?: string }) => (status = m.status),
    );
    client.query = ((...args: unknown[]) => {
      const [text, values] = args;
      const name =
        typeof text === 'string' && Array.isArray(values) && args.length === 2
          ? this.nameOf(text)
          : undefined;
      if (name === undefined) return query(...args);
      return (query({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
        if (!RENAMELESS.has((error as { code?: unknown } | null)?.code)) throw error;
        this.forget(text as string);
        // Outside a transaction the read is simply run again, unnamed; inside one the error has aborted it, and
        // the caller may run the transaction again (failedAsNamed).
        if (status === 'I') return query(...args);
        if (typeof error === 'object' && error !== null) unnamedFailures.add(error);
        throw error;
      });
    }) as typeof client.query;
  }

  private forget(text: string): void {
    this.names.delete(text);
    this.unnamed.add(text);
  }
}

/**
 * PostgreSQL's change mark (Store.changeMark): a number moved by every notification on `hindsight_change`, which
 * the triggers of migration 2026-12-13-300 send when a transaction that changed a report, its side rows, action
 * items or linked issues commits, whoever committed it; and by each statement of this process's pool that writes
 * one of those tables, and by the COMMIT after it (so that a save answered here shows at once to the next read
 * here, before its own notification comes back). One connection of its own, opened at the first ask, LISTENs; there is no mark (undefined: every
 * read asks the database) until it listens, while it is lost, and on a database without the triggers (not
 * migrated yet: checked at each connect). What another process commits shows here once its notification has
 * arrived, a fraction of a millisecond on one machine: a read in between is served what was kept.
 */
export class ChangeListener {
  private client: pg.Client | undefined;
  private listening = false;
  private connecting = false;
  private closed = false;
  private lastTry = 0;
  private current = Buffer.alloc(8);
  private n = 0;

  constructor(
    private readonly url: string,
    /** The least time between two attempts to listen. */
    private readonly retryMs = 2_000,
  ) {}

  /** The mark now; undefined while not listening (the first call starts listening). */
  mark(): Buffer | undefined {
    if (this.listening) return this.current;
    this.start();
    return undefined;
  }

  /** Move the mark: whatever was kept under the one before is not served again. */
  move(): void {
    this.n += 1;
    const next = Buffer.alloc(8);
    next.writeDoubleLE(this.n);
    this.current = next;
  }

  /**
   * Move the mark once a statement of `client` has written a table the notifications cover (one is its target:
   * see writesNotified), and again when the transaction it ran in ends. Other writes (the
   * scorer's scores, sessions, the outbox) leave it, as they send no notification.
   */
  watch(client: pg.PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    let dirty = false;
    client.query = ((...args: unknown[]) => {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
      if (typeof text !== 'string') return query(...args);
      const end = TRANSACTION_END.test(text);
      if (!(end && dirty) && !writesNotified(text)) return query(...args);
      // Outside a transaction the statement has committed; inside one, its COMMIT moves the mark again.
      dirty = !end;
      const moved = () => this.move();
      // Given a callback (as pg's Pool.query does), the query returns nothing: the mark moves once it has run.
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (...outcome: unknown[]) => {
          moved();
          return (callback as (...a: unknown[]) => unknown)(...outcome);
        };
        return query(...args);
      }
      const result = query(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function')
        return (result as Promise<unknown>).then(
          (r) => {
            moved();
            return r;
          },
          (e: unknown) => {
            moved();
            throw e;
          },
        );
      moved();
      return result;
    }) as typeof client.query;
  }

  private start(): void {
    if (this.closed || this.connecting || Date.now() - this.lastTry < this.retryMs) return;
    this.connecting = true;
    this.lastTry = Date.now();
    // TCP keepalive: a connection the network drops without a word is noticed (its 'error' drops the mark and
    // listens again) instead of leaving the caches trusted with no notification coming.
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      this.move();
      client.end().catch(() => {});
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.move());
    void (async () => {
      try {
        await client.connect();
        // Not a reason to keep a process alive (a CLI command ends when its work does).
        (
          client as unknown as { connection?: { stream?: { unref?: () => void } } }
        ).connection?.stream?.unref?.();
        const { rows } = await client.query('select 1 from pg_proc where proname = $1', [CHANGE_FUNCTION]);
        if (rows.length === 0 || this.closed) throw new Error('no change notifications here');
        await client.query(`listen ${CHANGE_CHANNEL}`);
        if (this.client !== client) return;
        this.move();
        this.listening = true;
      } catch {
        lost();
      } finally {
        this.connecting = false;
      }
    })();
  }

  close(): void {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    if (client) client.end().catch(() => {});
  }
}

/** The end of a transaction (not a rollback to a savepoint, after which the transaction goes on). */
const TRANSACTION_END = /^\s*(commit|end|abort|rollback(?!\s+(?:(?:work|transaction)\s+)?to\b))\b/i;
/** The tables a statement inserts into, updates, deletes from or truncates, and the rest of its text after each. */
const WRITE_TARGET =
  /\b(?:insert\s+into|update|delete\s+from|truncate(?:\s+table)?)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/**
 * Whether a statement writes rows whose change the triggers of migration 2026-12-13-300 notify: one of their
 * tables is its target (an update of tracker_links only when it sets one of the link's columns, as the trigger
 * has it: the poller's bookkeeping moves nothing).
 */
export function writesNotified(text: string): boolean {
  for (const m of text.matchAll(WRITE_TARGET)) {
    const table = m[1]!.toLowerCase();
    if (!CHANGE_TABLES.includes(table)) continue;
    const columns = CHANGE_COLUMNS[table];
    if (!columns || !/^update$/i.test(m[0].split(/\s/)[0]!)) return true;
    const set =
      /\bset\b([\s\S]*?)(\bwhere\b|\breturning\b|$)/i.exec(text.slice(m.index + m[0].length))?.[1] ?? '';
    if (columns.some((c) => new RegExp(`\\b${c}"?\\s*=`, 'i').test(set))) return true;
  }
  return false;
}

/**
 * The header of SQLite's WAL index (the `-shm` file beside the database), read with one small pread. Every
 * commit, by any connection in any process, rewrites it: the transaction counter, the last frame and its
 * checksum change (https://www.sqlite.org/walformat.html, "The WAL-Index Header"; the format is fixed since
 * SQLite 3.7.0). It is kept twice, the second copy written first, so two equal copies with the version and
 * the initialised flag set are a header no writer is halfway through. The file is opened once SQLite has made
 * it; until then, and on any surprise, there is no mark.
 */
export function walIndexHeader(path: string): { read: () => Buffer | undefined; close: () => void } {
  let fd: number | undefined;
  const buf = Buffer.alloc(96);
  return {
    read() {
      try {
        if (fd === undefined) {
          if (!existsSync(path)) return undefined;
          fd = openSync(path, 'r');
        }
        if (readSync(fd, buf, 0, 96, 0) !== 96) return undefined;
      } catch {
        return undefined;
      }
      const version = buf.readUInt32LE(0) === 3007000 || buf.readUInt32BE(0) === 3007000;
      if (!version || buf[12] !== 1 || buf.compare(buf, 48, 96, 0, 48) !== 0) return undefined;
      return Buffer.from(buf.subarray(0, 48));
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Kysely prepares every statement anew; better-sqlite3 statements are reusable, and preparing costs more
 * than running most of ours. Keep the most recently used ones by SQL text.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, key) {
      if (key !== 'prepare') {
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let stmt = cache.get(source);
        if (stmt) {
          cache.delete(source);
        } else {
          stmt = prepare(source);
          if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        }
        cache.set(source, stmt);
        return stmt;
      };
    },
  });
}

/** A cheap round trip that proves the database answers. */
export async function pingStore(store: Store): Promise<void> {
  await sql`select 1`.execute(store.db);
}
