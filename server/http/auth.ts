// Who is calling and what they may do: bearer tokens with roles, checked before any route runs.
//
// API clients, the CLI and scripts send `Authorization: Bearer <token>`. A browser page never holds a token: signing
// in gives it a session in an HttpOnly, SameSite=Strict cookie that no script on the page can read and no other site's
// page can send. The editor and the agent page keep a cookie each (a team lead takes calls at /agent as an agent in
// one tab, signed in as a manager in the editor's tab), both Path=/ because both pages call the same /api routes; so
// the page says which of its sign-ins it means with `X-Journey-Page: agent` (and `/ws?page=agent`), and without it
// the editor's is used. The header only chooses between the caller's own cookies; it grants nothing.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { findToken, touchToken, type TokenOwner } from '../../runtime/store/repositories/tokens.ts';
import type { Executor } from '../../runtime/store/dialect.ts';
import type { TokenRole } from '../../runtime/store/schema.ts';
import { sessionOwner } from '../../runtime/store/repositories/sign-in.ts';
import { ApiError } from './errors.ts';

export type PageKind = 'editor' | 'agent';

/** The cookie each page's session is kept in. */
export const sessionCookies: Record<PageKind, string> = { editor: 'journey_session', agent: 'journey_agent_session' };

/** The header a page's requests carry to say which page's sign-in they mean: `agent`, or `editor` (the same as none). */
export const pageHeader = 'X-Journey-Page';

/** The page a `X-Journey-Page` header or `?page=` names; another value is refused rather than taken for the editor. */
export function pageOf(value: string | null | undefined, where = 'The X-Journey-Page header'): PageKind {
  if (value === undefined || value === null || value === 'editor') return 'editor';
  if (value === 'agent') return 'agent';
  throw new ApiError(400, 'bad_request', `${where} must be "agent" or "editor", not "${value.slice(0, 40)}"`);
}

/** The page a request comes from, by its `X-Journey-Page` header. */
export const requestPage = (c: Context): PageKind => pageOf(c.req.header(pageHeader));

/** The token a request carries and where: the Authorization header first, else the page's session cookie. */
export function credentialOf(c: Context): { token: string; from: 'header' | 'cookie'; page: PageKind } | undefined {
  const page = requestPage(c);
  const header = bearerOf(c.req.header('authorization'));
  if (header) return { token: header, from: 'header', page };
  const cookie = getCookie(c, sessionCookies[page]);
  return cookie ? { token: cookie, from: 'cookie', page } : undefined;
}

/** JOURNEY_PUBLIC_URL, the address people reach the server at behind a proxy, when it is set. */
function publicUrl(): URL | undefined {
  const text = process.env.JOURNEY_PUBLIC_URL;
  if (!text) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether a request's Origin (when it has one) is the server's own: the host the request was sent to, or the host of
 * JOURNEY_PUBLIC_URL (a proxy in front may pass on its own Host). A page on another site, or a sandboxed one (`null`),
 * is not.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  let from: string;
  try {
    from = new URL(origin).host;
  } catch {
    return false;
  }
  return from !== '' && (from === host || from === publicUrl()?.host);
}

/** How session cookies are set: Secure when the page was reached over https (directly, through a proxy, or by its public URL). */
export function sessionCookieOptions(c: Context, maxAgeSeconds: number): CookieOptions {
  const secure =
    new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https' || publicUrl()?.protocol === 'https:';
  return { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: maxAgeSeconds };
}

/** Removes the page's session cookie (signed out, or a session the server no longer accepts). */
export function clearSessionCookie(c: Context, page: PageKind): void {
  deleteCookie(c, sessionCookies[page], sessionCookieOptions(c, 0));
}

/**
 * The caller of an API request: its Authorization header, else the page's session cookie. `?token=` is refused here,
 * saying where it works. A cookie the server no longer accepts is removed, so the page asks to sign in again once.
 */
async function apiCaller(db: Executor, c: Context, now: number): Promise<TokenOwner> {
  const credential = credentialOf(c);
  if (credential?.from !== 'header' && c.req.query('token') !== undefined) {
    throw new ApiError(
      401,
      'unauthorized',
      '?token= is accepted on /ws only: send the token as "Authorization: Bearer <token>", or open a sign-in link (npx journey signin-link)',
    );
  }
  if (credential?.from !== 'cookie') return authenticate(db, credential?.token, now);
  // A cookie goes with every request the browser makes to this server; one that changes something must come from
  // the server's own pages (SameSite=Strict already keeps other sites' out; this also refuses sibling subdomains).
  if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) && !isOwnOrigin(c.req.header('origin'), c.req.header('host'))) {
    throw new ApiError(403, 'forbidden', `A signed-in page of another site (${c.req.header('origin')}) may not change anything here`);
  }
  try {
    return await authenticateSession(db, credential.token, now);
  } catch (error) {
    clearSessionCookie(c, credential.page);
    throw error;
  }
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

/** The token in an Authorization header. */
export function bearerOf(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

export async function authenticate(db: Executor, token: string | undefined, now: number): Promise<TokenOwner> {
  if (!token) {
    throw new ApiError(401, 'unauthorized', 'Sign in: send your API token as "Authorization: Bearer <token>", or open a sign-in link in the browser');
  }
  const owner = token.startsWith('js_') ? await sessionOwner(db, token, now) : await findToken(db, token);
  if (!owner) throw new ApiError(401, 'unauthorized', 'This token is not known to the server; it may have been revoked, or the session has expired');
  await touchToken(db, owner.id, now);
  return owner;
}

/** The owner of a session cookie: only a session (js_...) the server gave; a cookie never holds an API token. */
export async function authenticateSession(db: Executor, session: string, now: number): Promise<TokenOwner> {
  const owner = session.startsWith('js_') ? await sessionOwner(db, session, now) : undefined;
  if (!owner) {
    throw new ApiError(401, 'unauthorized', "This page's sign-in has expired or was ended (signed out, or its token revoked); open a new sign-in link");
  }
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
