// The stores a store or interpreter test runs on: SQLite always, PostgreSQL too where DATABASE_URL points at one.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from './dialect.ts';
import { migrate } from './migrate.ts';

export const postgresUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : undefined;

export const testDialects: ('sqlite' | 'postgres')[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/** A fresh, migrated store; on PostgreSQL in a schema of its own, so test files can run side by side. */
export async function freshStore(dialect: 'sqlite' | 'postgres', file = ':memory:'): Promise<Store> {
  if (dialect === 'sqlite') {
    const store = openStore(file);
    await migrate(store);
    return store;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const store = openStore(postgresUrl, { pgSchema: schema });
  await migrate(store);
  return {
    ...store,
    close: async () => {
      await store.close();
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

/**
 * A PostgreSQL database of its own for `use`, dropped afterwards: for tests that start servers or worker processes,
 * which use the default schema of the database they are given.
 */
export async function withDatabase<T>(prefix: string, use: (url: string) => Promise<T>): Promise<T> {
  if (!postgresUrl) throw new Error('withDatabase needs DATABASE_URL to point at PostgreSQL');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
