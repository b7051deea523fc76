// Sign-in links and the sessions they open. A link carries a one-time code that expires in minutes, so the address
// bar, the browser's history and any log that sees the link hold nothing that works for long; the page exchanges the
// code for a session. Both are signed (HMAC-SHA256) under a key the server keeps in its store, so every server on the
// same database checks the others', and neither needs a table: a session names its token, so revoking the token ends
// it, and a code's one use is recorded under server_secrets until the code would have expired anyway. A session
// carries when it expires, and one signed out is recorded the same way until then, so it ends on every server.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../dialect.ts';
import { serverSecret } from './server-secrets.ts';
import type { TokenOwner } from './tokens.ts';

export const signInSecretName = 'sign-in';
/** How long a sign-in link works: long enough to open it from the terminal or an email, short enough not to matter in a history. */
export const signInCodeTtlMs = 15 * 60_000;
/** How long a session lasts: a working day, so a page left signed in on a shared computer does not stay so for good. */
export const sessionTtlMs = 12 * 60 * 60_000;
const usedPrefix = 'sign-in-code-used:';
const endedPrefix = 'session-ended:';

function mac(key: Buffer, kind: 'code' | 'session', payload: string): string {
  return createHmac('sha256', key).update(`${kind}:${payload}`).digest('base64url').slice(0, 22);
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Splits `prefix<tokenId>.<time36>.<nonce>.<mac>` and checks the signature; undefined for anything else. */
function open(key: Buffer, kind: 'code' | 'session', prefix: string, text: string) {
  if (!text.startsWith(prefix)) return undefined;
  const parts = text.slice(prefix.length).split('.');
  if (parts.length !== 4) return undefined;
  const [tokenId, time, nonce, signature] = parts as [string, string, string, string];
  if (!sameText(signature, mac(key, kind, `${tokenId}.${time}.${nonce}`))) return undefined;
  return { tokenId, time: parseInt(time, 36), nonce };
}

function seal(key: Buffer, kind: 'code' | 'session', prefix: string, tokenId: string, time: number): string {
  const payload = `${tokenId}.${time.toString(36)}.${randomBytes(12).toString('base64url')}`;
  return `${prefix}${payload}.${mac(key, kind, payload)}`;
}

/** Times as text that sorts as numbers do, so expired records can be found with a comparison on the value. */
const sortable = (ms: number) => String(ms).padStart(16, '0');

/** A code that signs in as the token once, until `expiresAt`. */
export async function createSignInCode(db: Executor, tokenId: string, now: number): Promise<{ code: string; expiresAt: number }> {
  const expiresAt = now + signInCodeTtlMs;
  return { code: seal(await serverSecret(db, signInSecretName), 'code', 'jc_', tokenId, expiresAt), expiresAt };
}

async function ownerById(db: Executor, tokenId: string): Promise<TokenOwner | undefined> {
  return db.selectFrom('api_tokens').select(['id', 'name', 'role']).where('id', '=', tokenId).executeTakeFirst();
}

/** A session as the token, until `expiresAt`: what a sign-in link's code opens, or a token pasted into a sign-in form. */
export async function createSession(db: Executor, tokenId: string, now: number): Promise<{ session: string; expiresAt: number }> {
  const expiresAt = now + sessionTtlMs;
  return { session: seal(await serverSecret(db, signInSecretName), 'session', 'js_', tokenId, expiresAt), expiresAt };
}

/**
 * The session a code opens, or undefined for a code that is unknown, altered, expired, used already, or whose token
 * was revoked since. The first exchange of a code wins, on any server of the store.
 */
export async function exchangeSignInCode(db: Executor, code: string, now: number): Promise<(TokenOwner & { session: string; expiresAt: number }) | undefined> {
  const key = await serverSecret(db, signInSecretName);
  const opened = open(key, 'code', 'jc_', code);
  if (!opened || !(opened.time > now)) return undefined;
  const owner = await ownerById(db, opened.tokenId);
  if (!owner) return undefined;
  if (!(await recordOnce(db, usedPrefix, opened.nonce, opened.time, now))) return undefined;
  return { ...owner, ...(await createSession(db, owner.id, now)) };
}

/**
 * Records `prefix+nonce` until `until` (forgetting the records of its kind that have run out); false when it was
 * recorded already, by this server or another on the store.
 */
async function recordOnce(db: Executor, prefix: string, nonce: string, until: number, now: number): Promise<boolean> {
  await db.deleteFrom('server_secrets').where('name', 'like', `${prefix}%`).where('value', '<', sortable(now)).execute();
  const recorded = await db
    .insertInto('server_secrets')
    .values({ name: `${prefix}${nonce}`, value: sortable(until) })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(recorded.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** A session this store signed that has not expired: its token id and nonce; undefined for anything else. */
async function openSession(db: Executor, session: string, now: number) {
  const opened = open(await serverSecret(db, signInSecretName), 'session', 'js_', session);
  return opened && opened.time > now ? opened : undefined;
}

/**
 * Who a session (js_...) belongs to, or undefined when it is not one this store signed, has expired, was signed out,
 * or its token was revoked.
 */
export async function sessionOwner(db: Executor, session: string, now: number): Promise<TokenOwner | undefined> {
  const opened = await openSession(db, session, now);
  if (!opened) return undefined;
  const ended = await db.selectFrom('server_secrets').select('name').where('name', '=', `${endedPrefix}${opened.nonce}`).executeTakeFirst();
  return ended ? undefined : ownerById(db, opened.tokenId);
}

/** Ends a session on every server of the store (signing out): its owner, or undefined when it was not a live session. */
export async function endSession(db: Executor, session: string, now: number): Promise<TokenOwner | undefined> {
  const owner = await sessionOwner(db, session, now);
  const opened = owner && (await openSession(db, session, now));
  if (!owner || !opened) return undefined;
  await recordOnce(db, endedPrefix, opened.nonce, opened.time, now);
  return owner;
}

/**
 * Of `sessions`, the ones that no longer sign anyone in because they expired or were signed out (revoked tokens are
 * the caller's to check): one read of the store for all of them, for the live hub's regular check of open sockets.
 */
export async function endedSessions(db: Executor, sessions: readonly string[], now: number): Promise<Set<string>> {
  const ended = new Set<string>();
  const byNonce = new Map<string, string>();
  for (const session of sessions) {
    const opened = await openSession(db, session, now);
    if (opened) byNonce.set(`${endedPrefix}${opened.nonce}`, session);
    else ended.add(session);
  }
  if (byNonce.size === 0) return ended;
  const rows = await db
    .selectFrom('server_secrets')
    .select('name')
    .where('name', 'in', [...byNonce.keys()])
    .execute();
  for (const row of rows) ended.add(byNonce.get(row.name)!);
  return ended;
}
