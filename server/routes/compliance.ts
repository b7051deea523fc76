// Compliance from the API: the question a gate asks ("may this number be reached now?") and the do-not-contact list.
import { createRoute, z } from '@hono/zod-openapi';
import { complianceProfileIds } from '../../schemas/compliance-profiles.ts';
import { checkCompliance } from '../../runtime/compliance/check.ts';
import {
  addDoNotContact,
  doNotContactAmong,
  importRegistry,
  listDoNotContact,
  normaliseAddress,
  registryStatus,
  removeDoNotContact,
  type DoNotContactEntry,
} from '../../runtime/store/repositories/compliance.ts';
import { recordAudit } from '../../runtime/store/repositories/audit.ts';
import { permissionChanges, sharedScope, type PermissionChange } from '../../runtime/store/repositories/permissions.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { requireRole } from '../http/auth.ts';
import { BodyTooLargeError, limitedBody, tooLarge } from '../upload-body.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';
import {
  ComplianceCheckSchema as CheckResult,
  DoNotContactEntrySchema as Entry,
  PermissionChangeSchema as Change,
  RegistrySchema as Registry,
} from '../api-schemas.ts';

const channels = ['voice', 'sms', 'email'] as const;
/** A register copy is streamed in; the largest national one (US, 4.6 million numbers in the area codes a campaign takes) is some 60 MB. */
export const maxRegistryBytes = 256 * 1024 * 1024;
const view = (e: DoNotContactEntry) => ({ ...e, addedAt: new Date(e.addedAt).toISOString() });
const changeView = ({ scope: _scope, ...c }: PermissionChange) => ({ ...c, at: new Date(c.at).toISOString() });

export function complianceRoutes(store: Store, now: () => number) {
  const viewer = requireRole(store.db, 'viewer', now);
  const operator = requireRole(store.db, 'operator', now);
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/compliance/check',
        middleware: [viewer],
        security,
        summary: 'May this contact be reached on this channel at this moment, and if not, why and from when',
        request: {
          query: z.object({
            profile: z.enum(complianceProfileIds),
            channel: z.enum(channels),
            phone: z.string().optional(),
            email: z.string().optional(),
            state: z.string().optional(),
            postalCode: z.string().optional(),
            timezone: z.string().optional(),
            at: z.string().optional(),
          }),
        },
        responses: { 200: json(CheckResult, 'The answer, with every rule that stands in the way'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const address = q.channel === 'email' ? q.email : q.phone;
        // The internal list is checked too; consent and frequency need a contact's history, which a check does not have.
        const listed = address ? await doNotContactAmong(store.db, q.channel, [address]) : new Set<string>();
        // Input a check cannot be answered from is the runtime's ComplianceInputError (invalid), answered 400 by onError.
        const result = checkCompliance({
          profile: q.profile,
          channel: q.channel,
          at: q.at ?? now(),
          checks: address ? ['hours', 'holidays', 'dnc'] : ['hours', 'holidays'],
          isDoNotContact: (channel, value) => channel === q.channel && listed.has(value),
          ...(q.phone && { phone: q.phone }),
          ...(q.email && { email: q.email }),
          ...(q.state && { state: q.state }),
          ...(q.postalCode && { postalCode: q.postalCode }),
          ...(q.timezone && { timezone: q.timezone }),
        });
        return c.json(result, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/do-not-contact',
        middleware: [viewer],
        security,
        summary: 'The internal do-not-contact list, newest first',
        request: {
          query: z.object({
            channel: z.enum(channels).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          }),
        },
        responses: { 200: json(z.object({ entries: z.array(Entry) }), 'The entries'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(
          { entries: (await listDoNotContact(store.db, { limit: q.limit, offset: q.offset, ...(q.channel && { channel: q.channel }) })).map(view) },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/do-not-contact/history',
        middleware: [viewer],
        security,
        summary: 'Every change to the shared do-not-contact lists, newest first: who added or removed an address, when, why and from which run',
        request: {
          query: z.object({
            channel: z.enum(channels).optional(),
            value: z.string().min(1).optional().openapi({ description: 'One address, as given or in its list form' }),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          }),
        },
        responses: { 200: json(z.object({ changes: z.array(Change) }), 'The changes'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const changes = await permissionChanges(store.db, {
          scope: sharedScope,
          limit: q.limit,
          offset: q.offset,
          ...(q.channel && { channel: q.channel }),
          ...(q.value && { value: q.value }),
        });
        return c.json({ changes: changes.map(changeView) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/do-not-contact',
        middleware: [operator],
        security,
        summary: 'Put a phone number or an email address on the do-not-contact list for a channel',
        request: {
          body: {
            content: {
              'application/json': {
                schema: z.object({ channel: z.enum(channels), value: z.string().min(1), reason: z.string().trim().min(1).max(500).optional() }).strict(),
              },
            },
            required: true,
          },
        },
        responses: { 201: json(Entry, 'The entry'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const body = c.req.valid('json');
        // Checked here rather than by catching what the store throws, so that a failing database is a 500, not a 400.
        if (!normaliseAddress(body.channel, body.value)) {
          const message = `"${body.value}" is not ${body.channel === 'email' ? 'an email address' : 'a phone number in international form such as +14155550100'}`;
          throw new ApiError(400, 'bad_request', message, { issues: [{ path: '/value', message }] });
        }
        const caller = c.get('caller');
        const at = now();
        const entry = await store.db.transaction().execute(async (tx) => {
          const listed = await doNotContactAmong(tx, body.channel, [body.value]);
          const added = await addDoNotContact(tx, {
            channel: body.channel,
            value: body.value,
            reason: body.reason ?? `Added by ${caller.name}`,
            now: at,
            actor: caller.name,
          });
          // Adding an address already listed changes nothing (the first reason stays), so there is nothing to record.
          if (!listed.has(added.value)) {
            await recordAudit(tx, {
              at,
              actor: caller,
              action: 'do-not-contact.added',
              target: `${added.channel}:${added.value}`,
              details: { channel: added.channel, value: added.value, reason: added.reason },
            });
          }
          return added;
        });
        return c.json(view(entry), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/do-not-contact/{channel}/{value}',
        middleware: [operator],
        security,
        summary: 'Take an address off the do-not-contact list',
        request: {
          params: z.object({
            channel: z.enum(channels).openapi({ param: { name: 'channel', in: 'path' } }),
            value: z
              .string()
              .min(1)
              .openapi({ param: { name: 'value', in: 'path' } }),
          }),
        },
        responses: { 204: { description: 'Removed' }, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { channel, value } = c.req.valid('param');
        const caller = c.get('caller');
        const at = now();
        await store.db.transaction().execute(async (tx) => {
          if (!(await removeDoNotContact(tx, channel, value, { actor: caller.name, reason: `Removed by ${caller.name}`, now: at })))
            throw notFound(`"${value}" on the ${channel} do-not-contact list`);
          const normalised = normaliseAddress(channel, value) ?? value;
          await recordAudit(tx, {
            at,
            actor: caller,
            action: 'do-not-contact.removed',
            target: `${channel}:${normalised}`,
            details: { channel, value: normalised },
          });
        });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/registries',
        middleware: [viewer],
        security,
        summary: 'The national do-not-call registers imported, with the date each copy was downloaded',
        responses: { 200: json(z.object({ registries: z.array(Registry) }), 'The latest copy of each register'), 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const rows = await registryStatus(store.db);
        return c.json(
          {
            registries: rows.map(({ key: _key, ...r }) => ({
              ...r,
              downloadedAt: new Date(r.downloadedAt).toISOString(),
              importedAt: new Date(r.importedAt).toISOString(),
            })),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/registries/{profile}',
        middleware: [operator],
        security,
        summary: "Replace a profile's national register with a downloaded copy (one number per line, or a CSV whose first column is the number)",
        request: {
          params: z.object({ profile: z.enum(complianceProfileIds).openapi({ param: { name: 'profile', in: 'path' } }) }),
          query: z.object({ downloadedAt: z.iso.datetime({ offset: true }), source: z.string().trim().min(1).max(200).default('upload') }),
          body: { content: { 'text/plain': { schema: z.string() }, 'text/csv': { schema: z.string() } }, required: true },
        },
        responses: {
          200: json(
            z.object({
              profile: z.string(),
              entries: z.number(),
              downloadedAt: z.string(),
              skipped: z.array(z.object({ line: z.number(), text: z.string() })),
            }),
            'The import',
          ),
          400: errors[400],
          401: errors[401],
          403: errors[403],
          413: errors[413],
        },
      }),
      async (c) => {
        const { profile } = c.req.valid('param');
        const { downloadedAt, source } = c.req.valid('query');
        const body = limitedBody(c.req.raw, maxRegistryBytes, 'the register copy');
        try {
          // Streamed in batches beside the copy in force, which stays in force until this one is complete: a failed or
          // cut-off import changes nothing.
          const at = now();
          const caller = c.get('caller');
          const report = await importRegistry(store.db, {
            profile,
            body,
            downloadedAt: Date.parse(downloadedAt),
            source,
            now: at,
            onCommit: (tx, imported) =>
              recordAudit(tx, {
                at,
                actor: caller,
                action: 'registry.imported',
                target: profile,
                details: { profile, entries: imported.entries, downloadedAt, source, skipped: imported.skipped.length },
              }),
          });
          return c.json({ ...report, downloadedAt: new Date(report.downloadedAt).toISOString() }, 200);
        } catch (error) {
          if (error instanceof BodyTooLargeError) throw tooLarge(maxRegistryBytes, 'the register copy');
          throw error;
        }
      },
    );
}
