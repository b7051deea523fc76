// The server's own secrets: made at random the first time one is asked for, then the same for every process on the
// store.
import { randomBytes } from 'node:crypto';
import type { Executor } from '../dialect.ts';

/** The key of tracked links' and open pixels' tokens. */
export const trackingSecretName = 'tracking-links';

export async function serverSecret(db: Executor, name: string): Promise<Buffer> {
  const existing = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (existing) return Buffer.from(existing.value, 'hex');
  // Two processes starting at once both try; the first insert wins and both read it back.
  await db
    .insertInto('server_secrets')
    .values({ name, value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const made = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(made.value, 'hex');
}
