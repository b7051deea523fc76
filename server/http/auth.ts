// Who is calling and what they may do: bearer tokens with roles, checked before any route runs.
import type { MiddlewareHandler } from 'hono';
import { findToken, touchToken, type TokenOwner } from '../../runtime/store/repositories/tokens.ts';
import type { Executor } from '../../runtime/store/dialect.ts';
import type { TokenRole } from '../../runtime/store/schema.ts';
import { ApiError } from './errors.ts';

export interface AuthVariables {
  caller: TokenOwner;
}

/** Staff roles include the ones below them; an agent's token opens the agent desktop only, an admin's everything. */
const staffRank: Record<Exclude<TokenRole, 'agent'>, number> = { viewer: 1, editor: 2, operator: 3, admin: 4 };

export function allows(role: TokenRole, needed: TokenRole): boolean {
  if (role === 'admin') return true;
  if (needed === 'agent' || role === 'agent') return role === needed;
  return staffRank[role] >= staffRank[needed];
}

/** The token of a request: the Authorization header, or `?token=` where a browser cannot set headers (WebSocket). */
export function tokenOf(header: string | undefined, url: string): string | undefined {
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? new URL(url).searchParams.get('token') ?? undefined;
}

export async function authenticate(db: Executor, token: string | undefined, now: number): Promise<TokenOwner> {
  if (!token) throw new ApiError(401, 'unauthorized', 'Sign in: send your API token as "Authorization: Bearer <token>"');
  const owner = await findToken(db, token);
  if (!owner) throw new ApiError(401, 'unauthorized', 'This token is not known to the server; it may have been revoked');
  await touchToken(db, owner.id, now);
  return owner;
}

/** Requires a token whose role includes `needed`. */
export function requireRole(db: Executor, needed: TokenRole, now: () => number): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const caller = c.get('caller') ?? (await authenticate(db, tokenOf(c.req.header('authorization'), c.req.url), now()));
    if (!allows(caller.role, needed)) {
      throw new ApiError(403, 'forbidden', `This needs the ${needed} role; the token "${caller.name}" has the ${caller.role} role`);
    }
    c.set('caller', caller);
    await next();
  };
}

/** Requires any valid token, whatever its role (who-am-I). */
export function requireToken(db: Executor, now: () => number): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    c.set('caller', c.get('caller') ?? (await authenticate(db, tokenOf(c.req.header('authorization'), c.req.url), now())));
    await next();
  };
}
