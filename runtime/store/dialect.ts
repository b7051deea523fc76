// Everything that differs between SQLite and PostgreSQL lives here; the rest of the store is dialect-neutral Kysely.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type ColumnDataType,
  type Compilable,
  type ColumnDefinitionBuilder,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/** Writes many rows in the current transaction: `columns` in order, one array of values per row. */
export type RowWriter = (
  tx: Transaction<Database>,
  table: keyof Database & string,
  columns: readonly string[],
  rows: readonly unknown[][],
  onConflict?: string,
) => Promise<void>;

/**
 * Runs a select in the transaction `tx` and returns each row as an array of its values, in the order the query selects
 * them. For wide rows read by the thousand: an array costs about half what an object with a key per column does.
 */
export type RowReader = (tx: Transaction<Database>, query: Compilable) => Promise<unknown[][]>;

export interface Store {
  db: Kysely<Database>;
  /** The fastest way this dialect has to write a batch of rows; `onConflict` is an ON CONFLICT clause both dialects read. */
  writeRows: RowWriter;
  readRows: RowReader;
  dialect: DialectName;
  /** Where the data lives, for messages (a file path or a redacted URL). */
  location: string;
  /** PostgreSQL schema the store lives in, when not the default. */
  pgSchema?: string;
  close(): Promise<void>;
}

export const defaultDatabaseFile = './data/journeys.db';

/** Whether a store's URL names PostgreSQL; anything else is a SQLite file. */
export const isPostgresUrl = (url: string | undefined): boolean => /^postgres(ql)?:\/\//.test(url ?? '');

/**
 * Refuses SQLite for what needs several processes on one database: workers share runs through PostgreSQL's row and
 * advisory locks, and SQLite lets one process write at a time, so there the one server process plays the runs itself.
 */
export function requirePostgres(url: string | undefined, what: string): asserts url is string {
  if (isPostgresUrl(url)) return;
  throw new Error(
    `${what} needs PostgreSQL (--database postgres://... or DATABASE_URL), not the SQLite file ${url ?? defaultDatabaseFile}: on SQLite one process plays the runs, so run journey serve alone.`,
  );
}

/**
 * Opens the store named by a URL: `postgres://...` for PostgreSQL, `sqlite:PATH`, a file path or `:memory:` for
 * SQLite. Without one, DATABASE_URL, else the embedded file ./data/journeys.db.
 */
export function openStore(url: string = process.env.DATABASE_URL ?? defaultDatabaseFile, options: { pgSchema?: string } = {}): Store {
  if (isPostgresUrl(url)) {
    // BIGINT columns hold times in milliseconds; they fit a JS number, so read them as numbers, not strings.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(options.pgSchema && { options: `-c search_path=${options.pgSchema}` }),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      writeRows: multiRowInsert,
      readRows: async (tx, query) => (await tx.executeQuery<Record<string, unknown>>(query.compile())).rows.map((row) => Object.values(row)),
      dialect: 'postgres',
      location: url.replace(/\/\/[^@/]*@/, '//***@'),
      ...(options.pgSchema && { pgSchema: options.pgSchema }),
      close: () => db.destroy(),
    };
  }
  const file = url.replace(/^sqlite:/, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  // WAL with NORMAL sync survives a killed process intact, and a 32 MB page cache keeps the hot indexes in memory.
  // Checkpoints run on a thread of their own (`startCheckpointer`).
  database.pragma('synchronous = NORMAL');
  database.pragma('cache_size = -32768');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const checkpointer = file === ':memory:' ? undefined : startCheckpointer(database, file);
  return {
    db,
    writeRows: preparedRowWriter(database),
    readRows: rawRowReader(database),
    dialect: 'sqlite',
    location: file,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/** Statements kept prepared, by SQL text; the interpreter repeats a few dozen shapes of query thousands of times. */
const cachedStatements = 256;

/**
 * The database as Kysely's SQLite driver sees it, with `prepare` answered from a cache: the driver prepares every
 * query it runs, and compiling the same SQL again is a measurable share of a batch. A statement still being iterated
 * (a streamed query) is busy, so a fresh one is prepared beside it.
 */
function withStatementCache(database: SQLite.Database): { prepare(sql: string): SQLite.Statement; close(): void } {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(text) {
      const cached = statements.get(text);
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(text);
      if (!cached) {
        // Queries with lists of varying length (`in (?, ?, ...)`) come in many texts: the oldest make room.
        if (statements.size >= cachedStatements) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
    close: () => database.close(),
  };
}

/** Type and constraints of an auto-incrementing primary key column. */
export function autoIncrementKey(dialect: DialectName): [ColumnDataType, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return dialect === 'postgres' ? ['bigserial', (c) => c.primaryKey()] : ['integer', (c) => c.primaryKey().autoIncrement()];
}

/** Column type for times in milliseconds and counters. */
export function bigIntType(dialect: DialectName): ColumnDataType {
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

/**
 * The text of a top-level field of a JSON text column. The key is written into the statement, not bound, so that
 * a query using it matches an index built on the same expression.
 */
export function jsonText(dialect: DialectName, column: string, key: string): RawBuilder<string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`Not a plain JSON key: ${key}`);
  return dialect === 'postgres'
    ? sql<string>`(${sql.ref(column)}::jsonb ->> ${sql.lit(key)})`
    : sql<string>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${key}`)})`;
}

/**
 * Locks the rows a claim selects so that other workers skip them. SQLite has one writer at a time and the claim
 * runs inside a write transaction, so there is nothing to add there. `of` names the claimed table when the query
 * joins others (PostgreSQL cannot lock the nullable side of an outer join, and need not).
 */
export function claimLocked<Q extends { forUpdate(of?: never): Q; skipLocked(): Q }>(query: Q, dialect: DialectName, of?: string): Q {
  if (dialect !== 'postgres') return query;
  return lockedForUpdate(query, dialect, of).skipLocked();
}

/**
 * Locks the rows a query selects until the transaction ends, waiting for another worker that holds them: for rows this
 * transaction will write back from what it read (a waiting contact a reaction moves). On SQLite the write transaction
 * already excludes every other writer.
 */
export function lockedForUpdate<Q extends { forUpdate(of?: never): Q }>(query: Q, dialect: DialectName, of?: string): Q {
  if (dialect !== 'postgres') return query;
  return of ? (query.forUpdate as unknown as (of: string) => Q).call(query, of) : query.forUpdate();
}

/**
 * Takes a run's row lock for the rest of the transaction, unless another worker holds it: true when this transaction
 * has it. For work on a run that only one worker may do at a time (pacing its dialers, whose state is read, changed and
 * written back whole). FOR NO KEY UPDATE, so that rows referring to the run can still be written meanwhile. On SQLite
 * the write transaction already excludes every other writer.
 */
export async function tryLockRun(tx: Transaction<Database>, dialect: DialectName, runId: string): Promise<boolean> {
  if (dialect !== 'postgres') return true;
  return (await tx.selectFrom('runs').select('id').where('id', '=', runId).forNoKeyUpdate().skipLocked().executeTakeFirst()) !== undefined;
}

export type Executor = Kysely<Database> | Transaction<Database>;

const rowsPerStatement = 500;

/** PostgreSQL: multi-row INSERTs, a few hundred rows per round trip. */
const multiRowInsert: RowWriter = async (tx, table, columns, rows, onConflict = '') => {
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const chunk = rows.slice(i, i + rowsPerStatement);
    const values = sql.join(chunk.map((row) => sql`(${sql.join(row.map((v) => sql`${v}`))})`));
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${values} ${sql.raw(onConflict)}`.execute(tx);
  }
};

/** Rows per prepared multi-row statement on SQLite: enough to pay the statement's fixed cost once for many rows. */
const preparedChunk = 64;

/**
 * SQLite: prepared statements, reused: one that inserts `preparedChunk` rows at a time, and a one-row statement for the
 * rest. better-sqlite3 is synchronous and Kysely holds the one connection for the whole transaction, so these rows land
 * inside the transaction Kysely opened; it saves building and parsing a large statement for every batch, and running a
 * statement once per row, the main costs of a batch otherwise.
 */
function preparedRowWriter(database: SQLite.Database): RowWriter {
  const statements = new Map<string, SQLite.Statement>();
  const statement = (table: string, columns: readonly string[], rows: number, onConflict: string) => {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')} ${onConflict}`;
    let prepared = statements.get(text);
    if (!prepared) {
      prepared = database.prepare(text);
      statements.set(text, prepared);
    }
    return prepared;
  };
  return async (_tx, table, columns, rows, onConflict = '') => {
    let i = 0;
    if (rows.length >= preparedChunk) {
      const many = statement(table, columns, preparedChunk, onConflict);
      const values: unknown[] = new Array(preparedChunk * columns.length);
      for (; i + preparedChunk <= rows.length; i += preparedChunk) {
        let k = 0;
        for (let r = i; r < i + preparedChunk; r++) for (const v of rows[r]!) values[k++] = v;
        many.run(values);
      }
    }
    if (i === rows.length) return;
    const one = statement(table, columns, 1, onConflict);
    for (; i < rows.length; i++) one.run(rows[i] as unknown[]);
  };
}

/**
 * SQLite: the statement run in raw mode on the one connection, which Kysely's open transaction holds (as with
 * `preparedRowWriter`), prepared once per text.
 */
function rawRowReader(database: SQLite.Database): RowReader {
  const statements = new Map<string, SQLite.Statement>();
  return async (_tx, query) => {
    const { sql: text, parameters } = query.compile();
    let statement = statements.get(text);
    if (!statement) {
      if (statements.size >= cachedStatements) statements.delete(statements.keys().next().value!);
      statement = database.prepare(text).raw(true);
      statements.set(text, statement);
    }
    return statement.all(parameters as unknown[]) as unknown[][];
  };
}

/** How often the background checkpointer copies the write-ahead log into the database file. */
const checkpointEveryMs = 250;
/** The interpreter's own connection checkpoints only past this many pages (400 MB): if the background one falls behind. */
const fallbackCheckpointPages = 100_000;

/**
 * Copies the write-ahead log into the database file from a thread of its own, on a connection of its own. A checkpoint
 * writes every page the log holds back into the file and waits for the disk to take it; run at commit time by the
 * connection that writes (SQLite's default), that wait and copy fall on the interpreter's batches. A passive
 * checkpoint never blocks the writer, so here it runs beside it, on the other core.
 */
function startCheckpointer(database: SQLite.Database, file: string): { stop(): Promise<void> } {
  database.pragma(`wal_autocheckpoint = ${fallbackCheckpointPages}`);
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const Database = require(workerData.driver);
     const db = new Database(workerData.file);
     db.pragma('busy_timeout = 5000');
     db.pragma('synchronous = NORMAL');
     const timer = setInterval(() => {
       // A checkpoint that cannot run now (the file is being closed, say) is simply tried again on the next tick.
       try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
     }, workerData.everyMs);
     parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });`,
    { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, everyMs: checkpointEveryMs } },
  );
  let running = true;
  const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void stopped.then(() => {
    running = false;
    // Without the thread (it failed to open the file, say), the writing connection checkpoints as SQLite does by default.
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  });
  worker.on('error', () => {});
  // The thread must not keep alive a process that has nothing else to do.
  worker.unref();
  return {
    stop: async () => {
      if (running) {
        // Referenced again, so that the process waits for the thread to close its connection.
        worker.ref();
        worker.postMessage('stop');
      }
      await stopped;
    },
  };
}
