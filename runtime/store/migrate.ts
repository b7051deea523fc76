// Runs the date-prefixed migrations at start-up; each migration is frozen once it has landed.
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { DialectName, Store } from './dialect.ts';
import { initial } from './migrations/2026-11-24-initial.ts';
import { compliance } from './migrations/2026-11-25-compliance.ts';
import { access } from './migrations/2026-11-25-access.ts';
import { agents } from './migrations/2026-11-25-agents.ts';
import { providerIds } from './migrations/2026-11-26-provider-ids.ts';
import { complianceRecords } from './migrations/2026-12-03-compliance-records.ts';
import { listColumns } from './migrations/2026-12-03-list-columns.ts';
import { serverSecret } from './migrations/2026-12-03-server-secret.ts';
import { draftAuthor } from './migrations/2026-12-03-draft-author.ts';
import { imports } from './migrations/2026-12-03-imports.ts';
import { carrierCalls } from './migrations/2026-12-03-carrier-calls.ts';
import { runRoomIndexes } from './migrations/2026-12-03-run-room-indexes.ts';

function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '2026-11-24-initial': initial(dialect),
    '2026-11-25-compliance': compliance(dialect),
    '2026-11-25-access': access(dialect),
    '2026-11-25-agents': agents(dialect),
    '2026-11-26-provider-ids': providerIds(dialect),
    '2026-12-03-compliance-records': complianceRecords(dialect),
    '2026-12-03-list-columns': listColumns(dialect),
    '2026-12-03-server-secret': serverSecret(dialect),
    '2026-12-03-draft-author': draftAuthor(dialect),
    '2026-12-03-imports': imports(dialect),
    '2026-12-03-carrier-calls': carrierCalls(dialect),
    '2026-12-03-run-room-indexes': runRoomIndexes(dialect),
  };
}

export async function migrate(store: Store): Promise<void> {
  const migrator = new Migrator({
    db: store.db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations(store.dialect) },
    // Work done side by side lands migrations of one day in any order; each stands alone, so a database that already
    // ran a later-named one still takes an earlier-named one that arrives after it.
    allowUnorderedMigrations: true,
    ...(store.pgSchema && { migrationTableSchema: store.pgSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Could not update the database schema at ${store.location}${failed ? ` (migration ${failed.migrationName})` : ''}: ${String(error)}`);
  }
}
