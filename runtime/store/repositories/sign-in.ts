// Sign-in links and the sessions they open. A link carries a one-time code that expires in minutes, so the address
// bar, the browser's history and any log that sees the link hold nothing that works for long; the page exchanges the
// code for a session. Both are signed (HMAC-SHA256) under a key the server keeps in its store, so every server on the
// same database checks the others', and neither needs a table: a session names its token, so revoking the token ends
// it, and a code's one use is recorded under server_secrets until the code would have expired anyway.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../dialect.ts';
import { serverSecret } from './server-secrets.ts';
import type { TokenOwner } from './tokens.ts';

export const signInSecretName = 'sign-in';
/** How long a sign-in link works: long enough to open it from the terminal or an email, short enough not to matter in a history. */
export const signInCodeTtlMs = 15 * 60_000;
const usedPrefix = 'sign-in-code-used:';

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

/**
 * The session a code opens, or undefined for a code that is unknown, altered, expired, used already, or whose token
 * was revoked since. The first exchange of a code wins, on any server of the store.
 */
export async function exchangeSignInCode(db: Executor, code: string, now: number): Promise<(TokenOwner & { session: string }) | undefined> {
  const key = await serverSecret(db, signInSecretName);
  const opened = open(key, 'code', 'jc_', code);
  if (!opened || !(opened.time > now)) return undefined;
  const owner = await ownerById(db, opened.tokenId);
  if (!owner) return undefined;
  await db.deleteFrom('server_secrets').where('name', 'like', `${usedPrefix}%`).where('value', '<', sortable(now)).execute();
  const used = await db
    .insertInto('server_secrets')
    .values({ name: `${usedPrefix}${opened.nonce}`, value: sortable(opened.time) })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(used.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined;
  return { ...owner, session: seal(key, 'session', 'js_', owner.id, now) };
}

/** Who a session (js_...) belongs to, or undefined when it is not one this store signed or its token was revoked. */
export async function sessionOwner(db: Executor, session: string): Promise<TokenOwner | undefined> {
  const opened = open(await serverSecret(db, signInSecretName), 'session', 'js_', session);
  return opened && ownerById(db, opened.tokenId);
}
