// API tokens: made with a random secret, kept as a SHA-256 hash, looked up by hash on every request.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Executor } from '../dialect.ts';
import type { TokenRole } from '../schema.ts';

export const tokenRoles = ['viewer', 'editor', 'operator', 'agent', 'admin'] as const satisfies readonly TokenRole[];

export interface TokenOwner {
  id: string;
  name: string;
  role: TokenRole;
}

export interface TokenSummary extends TokenOwner {
  createdAt: string;
  lastUsedAt: string | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Makes a token; the secret is returned once and never stored. */
export async function createToken(db: Executor, request: { name: string; role: TokenRole; now: number }): Promise<TokenOwner & { token: string }> {
  const id = randomUUID();
  // The prefix tells a leaked string's origin at a glance; 32 random bytes make guessing hopeless.
  const token = `jt_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('api_tokens')
    .values({ id, name: request.name, role: request.role, token_hash: hash(token), created_at: request.now, last_used_at: null })
    .execute();
  return { id, name: request.name, role: request.role, token };
}

/** Who a token belongs to, or undefined for a token that does not exist (or was revoked). */
export async function findToken(db: Executor, token: string): Promise<TokenOwner | undefined> {
  const row = await db.selectFrom('api_tokens').select(['id', 'name', 'role']).where('token_hash', '=', hash(token)).executeTakeFirst();
  return row;
}

/** "Last used" to the minute: a busy page makes many requests a second, and each need not be a write. */
const touchEveryMs = 60_000;

export async function touchToken(db: Executor, id: string, now: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - touchEveryMs)]))
    .execute();
}

export async function listTokens(db: Executor): Promise<TokenSummary[]> {
  const rows = await db.selectFrom('api_tokens').select(['id', 'name', 'role', 'created_at', 'last_used_at']).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    lastUsedAt: r.last_used_at === null ? null : new Date(Number(r.last_used_at)).toISOString(),
  }));
}

export async function revokeToken(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countTokens(db: Executor, role?: TokenRole): Promise<number> {
  let query = db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n'));
  if (role) query = query.where('role', '=', role);
  return Number((await query.executeTakeFirstOrThrow()).n);
}
