// Who am I, and the admin's token management: tokens are made with a role, shown once, and revoked by id.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { recordAudit } from '../../runtime/store/repositories/audit.ts';
import { createToken, findToken, listTokens, revokeToken, tokenRoles, type TokenOwner } from '../../runtime/store/repositories/tokens.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { createSession, createSignInCode, endSession, exchangeSignInCode, sessionOwner } from '../../runtime/store/repositories/sign-in.ts';
import { PageHeaderSchema, SessionSchema, SignedInSchema, SignInSchema, TokenSchema } from '../api-schemas.ts';
import { clearSessionCookie, credentialOf, requestPage, requireRole, requireToken, isOwnOrigin, sessionCookieOptions, sessionCookies } from '../http/auth.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';

/** Where a sign-in link opens: the agent desktop for an agent's token, the editor for anyone else's. */
const signInPath = (role: string, code: string) => `${role === 'agent' ? '/agent' : '/'}?code=${encodeURIComponent(code)}`;

/** A wrong sign-in link and a wrong pasted token answer alike, each saying what to do next. */
const refusedLink =
  'This sign-in link is not known, was used already or has expired (links work once, for 15 minutes); ask an admin for a new one, or run npx journey signin-link where the server runs';
const refusedToken = 'This token is not known to the server; it may have been revoked. Paste a current API token, or open a sign-in link';

/** Signing in and out changes the browser's cookies: only the server's own pages may ask (login and logout forgery). */
function ownPage(c: Context): void {
  if (!isOwnOrigin(c.req.header('origin'), c.req.header('host'))) {
    throw new ApiError(403, 'forbidden', `Only the server's own pages may sign in or out here, not a page of ${c.req.header('origin')}`);
  }
}

export function sessionRoutes(store: Store, now: () => number) {
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        middleware: [requireToken(store.db, now)],
        security,
        summary: 'Who this token belongs to (for a page: whether it is signed in, and as whom)',
        responses: { 200: json(SessionSchema, 'The token’s name and role'), 401: errors[401] },
      }),
      (c) => c.json({ name: c.get('caller').name, role: c.get('caller').role }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/exchange',
        summary:
          "Signs a page in: a sign-in link's one-time code, or an API token pasted into the sign-in form, for a session kept in an HttpOnly cookie (journey_session, or journey_agent_session with X-Journey-Page: agent)",
        request: {
          headers: PageHeaderSchema,
          body: { content: { 'application/json': { schema: SignInSchema } }, required: true },
        },
        responses: {
          200: {
            ...json(SignedInSchema, 'Signed in'),
            headers: { 'Set-Cookie': { description: 'The session, HttpOnly, SameSite=Strict, Path=/', schema: { type: 'string' } } },
          },
          400: errors[400],
          401: errors[401],
          403: errors[403],
        },
      }),
      async (c) => {
        ownPage(c);
        const at = now();
        const body = c.req.valid('json');
        let signedIn: (TokenOwner & { session: string; expiresAt: number }) | undefined;
        if ('code' in body) {
          signedIn = await exchangeSignInCode(store.db, body.code, at);
          if (!signedIn) throw new ApiError(401, 'unauthorized', refusedLink);
        } else {
          // Checked like any token; the page gets a session of its own, so signing out never touches the token.
          const owner = body.token.startsWith('js_') ? await sessionOwner(store.db, body.token, at) : await findToken(store.db, body.token);
          if (!owner) throw new ApiError(401, 'unauthorized', refusedToken);
          signedIn = { ...owner, ...(await createSession(store.db, owner.id, at)) };
        }
        const page = requestPage(c);
        await recordAudit(store.db, {
          at,
          actor: signedIn,
          action: 'session.signed-in',
          target: signedIn.id,
          details: { name: signedIn.name, role: signedIn.role, page, with: 'code' in body ? 'sign-in link' : 'token' },
        });
        setCookie(c, sessionCookies[page], signedIn.session, sessionCookieOptions(c, Math.floor((signedIn.expiresAt - at) / 1000)));
        return c.json({ name: signedIn.name, role: signedIn.role, expiresAt: new Date(signedIn.expiresAt).toISOString() }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/sign-out',
        summary: "Signs the page out: ends its session on every server and removes its cookie (X-Journey-Page: agent for the agent page's)",
        request: { headers: PageHeaderSchema },
        responses: {
          204: {
            description: 'Signed out (also when the page was not signed in)',
            headers: { 'Set-Cookie': { description: 'The session cookie, emptied and expired', schema: { type: 'string' } } },
          },
          403: errors[403],
        },
      }),
      async (c) => {
        ownPage(c);
        const page = requestPage(c);
        const credential = credentialOf(c);
        const at = now();
        const ended = credential?.token.startsWith('js_') ? await endSession(store.db, credential.token, at) : undefined;
        if (ended)
          await recordAudit(store.db, {
            at,
            actor: ended,
            action: 'session.signed-out',
            target: ended.id,
            details: { name: ended.name, role: ended.role, page },
          });
        clearSessionCookie(c, page);
        return c.body(null, 204);
      },
    );
}

export function tokenRoutes(store: Store, now: () => number) {
  const admin = requireRole(store.db, 'admin', now);
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        middleware: [admin],
        security,
        summary: 'List tokens (never their secrets)',
        responses: { 200: json(z.object({ tokens: z.array(TokenSchema) }), 'The tokens'), 401: errors[401], 403: errors[403] },
      }),
      async (c) => c.json({ tokens: await listTokens(store.db) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/',
        middleware: [admin],
        security,
        summary: 'Make a token; its secret is in this answer only',
        request: {
          body: {
            content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(100), role: z.enum(tokenRoles) }).strict() } },
            required: true,
          },
        },
        responses: {
          201: json(z.object({ id: z.string(), name: z.string(), role: z.enum(tokenRoles), token: z.string() }), 'The token'),
          400: errors[400],
          401: errors[401],
          403: errors[403],
        },
      }),
      async (c) => {
        const at = now();
        const made = await store.db.transaction().execute(async (tx) => {
          const token = await createToken(tx, { ...c.req.valid('json'), now: at });
          // The name and role only: the secret is the caller's to keep, never the log's.
          await recordAudit(tx, { at, actor: c.get('caller'), action: 'token.created', target: token.id, details: { name: token.name, role: token.role } });
          return token;
        });
        return c.json(made, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/sign-in-codes',
        middleware: [admin],
        security,
        summary: "A sign-in link for the token: a code that opens a session once, within 15 minutes (send `path` after the server's address)",
        request: {
          params: z.object({
            id: z
              .string()
              .min(1)
              .openapi({ param: { name: 'id', in: 'path' } }),
          }),
        },
        responses: {
          201: json(z.object({ code: z.string(), path: z.string(), expiresAt: z.string() }), 'The code'),
          401: errors[401],
          403: errors[403],
          404: errors[404],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const token = await store.db.selectFrom('api_tokens').select(['name', 'role']).where('id', '=', id).executeTakeFirst();
        if (!token) throw notFound(`The token "${id}"`);
        const at = now();
        const { code, expiresAt } = await createSignInCode(store.db, id, at);
        await recordAudit(store.db, { at, actor: c.get('caller'), action: 'token.sign-in-link', target: id, details: { name: token.name, role: token.role } });
        return c.json({ code, path: signInPath(token.role, code), expiresAt: new Date(expiresAt).toISOString() }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/{id}',
        middleware: [admin],
        security,
        summary: 'Revoke a token',
        request: {
          params: z.object({
            id: z
              .string()
              .min(1)
              .openapi({ param: { name: 'id', in: 'path' } }),
          }),
        },
        responses: { 204: { description: 'Revoked' }, 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const at = now();
        await store.db.transaction().execute(async (tx) => {
          // Read first: once revoked, the token's name and role are gone, and the entry should say whose it was.
          const token = await tx.selectFrom('api_tokens').select(['name', 'role']).where('id', '=', id).executeTakeFirst();
          if (!token || !(await revokeToken(tx, id))) throw notFound(`The token "${id}"`);
          await recordAudit(tx, { at, actor: c.get('caller'), action: 'token.revoked', target: id, details: { name: token.name, role: token.role } });
        });
        return c.body(null, 204);
      },
    );
}
