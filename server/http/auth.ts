// Who is calling and what they may do: bearer tokens with roles, checked before any route runs.
import type { Context, MiddlewareHandler } from 'hono';
import { findToken, touchToken, type TokenOwner } from '../../runtime/store/repositories/tokens.ts';
import type { Executor } from '../../runtime/store/dialect.ts';
import type { TokenRole } from '../../runtime/store/schema.ts';
import { sessionOwner } from '../../runtime/store/repositories/sign-in.ts';
import { ApiError } from './errors.ts';

/** The caller of an API request, from its Authorization header; `?token=` is refused here, saying where it works. */
async function apiCaller(db: Executor, c: Context, now: number): Promise<TokenOwner> {
  const token = bearerOf(c.req.header('authorization'));
  if (!token && c.req.query('token') !== undefined) {
    throw new ApiError(
      401,
      'unauthorized',
      '?token= is accepted on /ws only: send the token as "Authorization: Bearer <token>", or open a sign-in link (npx journey signin-link)',
    );
  }
  return authenticate(db, token, now);
}

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

/** The token of an API request: the Authorization header only, so that no token sits in an address or a log. */
export function bearerOf(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** The token of a WebSocket upgrade: the header, or `?token=`, since a browser cannot set headers there. */
export function tokenOf(header: string | undefined, url: string): string | undefined {
  return bearerOf(header) ?? new URL(url).searchParams.get('token') ?? undefined;
}

export async function authenticate(db: Executor, token: string | undefined, now: number): Promise<TokenOwner> {
  if (!token) throw new ApiError(401, 'unauthorized', 'Sign in: send your API token as "Authorization: Bearer <token>"');
  const owner = token.startsWith('js_') ? await sessionOwner(db, token) : await findToken(db, token);
  if (!owner) throw new ApiError(401, 'unauthorized', 'This token is not known to the server; it may have been revoked');
  await touchToken(db, owner.id, now);
  return owner;
}

/** Requires a token whose role includes `needed`. */
export function requireRole(db: Executor, needed: TokenRole, now: () => number): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const caller = c.get('caller') ?? (await apiCaller(db, c, now()));
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
    c.set('caller', c.get('caller') ?? (await apiCaller(db, c, now())));
    await next();
  };
}
