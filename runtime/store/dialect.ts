// Everything that differs between SQLite and PostgreSQL lives here; the rest of the store is dialect-neutral Kysely.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type ColumnDataType, type ColumnDefinitionBuilder, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages (a file path or a redacted URL). */
  location: string;
  /** PostgreSQL schema the store lives in, when not the default. */
  pgSchema?: string;
  close(): Promise<void>;
}

export const defaultDatabaseFile = './data/journeys.db';

/**
 * Opens the store named by a URL: `postgres://...` for PostgreSQL, `sqlite:PATH`, a file path or `:memory:` for
 * SQLite. Without one, DATABASE_URL, else the embedded file ./data/journeys.db.
 */
export function openStore(url: string = process.env.DATABASE_URL ?? defaultDatabaseFile, options: { pgSchema?: string } = {}): Store {
  if (/^postgres(ql)?:\/\//.test(url)) {
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
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
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
 * Locks the rows a claim selects so that other workers skip them. SQLite has one writer at a time and the claim
 * runs inside a write transaction, so there is nothing to add there.
 */
export function claimLocked<Q extends { forUpdate(): Q; skipLocked(): Q }>(query: Q, dialect: DialectName): Q {
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

export type Executor = Kysely<Database> | Transaction<Database>;
