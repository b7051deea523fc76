// Who am I, and the admin's token management: tokens are made with a role, shown once, and revoked by id.
import { createRoute, z } from '@hono/zod-openapi';
import { createToken, listTokens, revokeToken, tokenRoles, type TokenSummary } from '../../runtime/store/repositories/tokens.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import type { Session } from '../api-types.ts';
import { requireRole, requireToken } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';

const SessionSchema = z.custom<Session>().openapi('Session', { type: 'object' });
const TokenSchema = z.custom<TokenSummary>().openapi('Token', { type: 'object' });

export function sessionRoutes(store: Store, now: () => number) {
  return router().openapi(
    createRoute({ method: 'get', path: '/', middleware: [requireToken(store.db, now)], security, summary: 'Who this token belongs to', responses: { 200: json(SessionSchema, 'The token’s name and role'), 401: errors[401] } }),
    (c) => c.json({ name: c.get('caller').name, role: c.get('caller').role }, 200),
  );
}

export function tokenRoutes(store: Store, now: () => number) {
  const admin = requireRole(store.db, 'admin', now);
  return router()
    .openapi(
      createRoute({ method: 'get', path: '/', middleware: [admin], security, summary: 'List tokens (never their secrets)', responses: { 200: json(z.object({ tokens: z.array(TokenSchema) }), 'The tokens'), 401: errors[401], 403: errors[403] } }),
      async (c) => c.json({ tokens: await listTokens(store.db) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/',
        middleware: [admin],
        security,
        summary: 'Make a token; its secret is in this answer only',
        request: { body: { content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(100), role: z.enum(tokenRoles) }).strict() } }, required: true } },
        responses: { 201: json(z.object({ id: z.string(), name: z.string(), role: z.enum(tokenRoles), token: z.string() }), 'The token'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => c.json(await createToken(store.db, { ...c.req.valid('json'), now: now() }), 201),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/{id}',
        middleware: [admin],
        security,
        summary: 'Revoke a token',
        request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }) },
        responses: { 204: { description: 'Revoked' }, 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        if (!(await revokeToken(store.db, c.req.valid('param').id))) throw notFound(`The token "${c.req.valid('param').id}"`);
        return c.body(null, 204);
      },
    );
}
