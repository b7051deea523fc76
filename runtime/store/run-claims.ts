// Which process plays each simulated run. A simulated run plays on one virtual clock, so one process at a time may play
// it. On PostgreSQL that process holds a session advisory lock on the run, on one connection it keeps for the purpose:
// a process that dies lets go of its runs with its connection, and another worker takes them up at its next look. On
// SQLite one process runs the runtime (`journey worker` refuses SQLite), and it plays them all.
import { sql, type Kysely } from 'kysely';
import type { Store } from './dialect.ts';
import type { Database } from './schema.ts';

/** The first key of the advisory locks taken here, so that they never meet another application's on the database. */
const lockClass = 74_201;

export interface RunClaims {
  /** True when this process plays the run from now on (or already did); false when another process does. */
  claim(runId: string): Promise<boolean>;
  release(runId: string): Promise<void>;
  /** Lets go of every run this process plays and gives its connection back. */
  close(): Promise<void>;
}

export function runClaims(store: Store): RunClaims {
  if (store.dialect !== 'postgres') return { claim: async () => true, release: async () => {}, close: async () => {} };
  const held = new Set<string>();
  let session: Promise<{ db: Kysely<Database>; letGo: () => void; done: Promise<void> }> | undefined;
  // The connection stays checked out of the pool while its callback has not returned: the locks live as long as it.
  const open = () =>
    (session ??= new Promise((resolve, reject) => {
      const done = store.db
        .connection()
        .execute((db) => new Promise<void>((letGo) => resolve({ db, letGo, done })))
        .catch(reject);
    }));
  return {
    async claim(runId) {
      if (held.has(runId)) return true;
      const { db } = await open();
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${lockClass}, hashtext(${runId})) as locked`.execute(db);
      if (rows[0]?.locked) held.add(runId);
      return held.has(runId);
    },
    async release(runId) {
      if (!held.delete(runId) || !session) return;
      await sql`select pg_advisory_unlock(${lockClass}, hashtext(${runId}))`.execute((await session).db);
    },
    async close() {
      if (!session) return;
      const { db, letGo, done } = await session;
      session = undefined;
      held.clear();
      // Back in the pool, the connection must hold no lock for whoever takes it next.
      await sql`select pg_advisory_unlock_all()`.execute(db);
      letGo();
      await done;
    },
  };
}
