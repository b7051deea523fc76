// Inside a run: who is at a step and why (paged, searchable), a step's exits, time spent and channel results, and
// each contact's story as sentences. Viewers may read them, as they read the run's metrics.
import { createRoute, z } from '@hono/zod-openapi';
import { channelResults } from '../../runtime/channel-results.ts';
import { contactTimeline, whereabouts, whereaboutsEventTypes, zoneOf } from '../../runtime/contact-story.ts';
import { dialQueueWaitText, onCallWaitText } from '../../runtime/engine/wait-markers.ts';
import { runMetrics } from '../../runtime/metrics.ts';
import type { Executor, Store } from '../../runtime/store/dialect.ts';
import { runJourney } from '../../runtime/store/repositories/journeys.ts';
import {
  contactsAt,
  eventsOfContact,
  eventsOfContacts,
  sendsOfContacts,
  stepNow,
  stepStays,
  type CursorWithContact,
} from '../../runtime/store/repositories/run-contacts.ts';
import type { Journey } from '../../schemas/journey.ts';
import { StepChannelResultsSchema } from '../api-schemas.ts';
import { requireRole } from '../http/auth.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';

const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .openapi({ param: { name, in: 'path' } });
const iso = z.string().openapi({ format: 'date-time' });
const text = z.string().nullable();

const WhereaboutsSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('finished'), outcome: text, at: iso.nullable() }),
    z.object({ kind: z.literal('released'), reason: text, at: iso.nullable() }),
    z.object({ kind: z.literal('held'), channel: text, rule: text, check: text, reason: text, until: iso.nullable() }),
    z.object({ kind: z.literal('waiting'), until: iso.nullable() }),
    z.object({ kind: z.literal('waiting-for-event'), event: z.string(), link: text, until: iso.nullable() }),
    z.object({ kind: z.literal('queued-for-call') }),
    z.object({ kind: z.literal('in-call'), stage: z.enum(['placed', 'ringing', 'answered', 'with-agent']), placedAt: iso.nullable(), agent: text }),
    z.object({ kind: z.literal('awaiting-provider'), channel: text, since: iso.nullable(), attempts: z.number().int(), lastError: text }),
    z.object({ kind: z.literal('moving'), at: iso.nullable() }),
  ])
  .openapi('Whereabouts', { description: 'Why a contact is where it is now' });

const ContactFields = {
  contactId: z.string(),
  externalId: text,
  firstName: text,
  lastName: text,
  phone: text,
  email: text,
  timezone: z.string().openapi({ description: "The zone the contact's times are told in: its own, else the journey's" }),
};

const ContactAtStepSchema = z
  .object({
    ...ContactFields,
    nodeId: z.string(),
    status: z.enum(['ready', 'waiting', 'in-flight', 'done']),
    visit: z.number().int(),
    why: WhereaboutsSchema,
    words: z.string().openapi({ description: 'The same in a sentence, with times in the contact’s zone' }),
  })
  .openapi('ContactAtStep');

export const ContactPageSchema = z
  .object({
    contacts: z.array(ContactAtStepSchema),
    nextAfter: z.string().nullable().openapi({ description: 'Pass as `after` for the next page; null on the last page' }),
  })
  .openapi('ContactPage');

const StepNowSchema = z.object({
  finished: z.number().int(),
  held: z.number().int(),
  moving: z.number().int(),
  waiting: z.number().int(),
  waitingForEvent: z.number().int(),
  queuedForCall: z.number().int(),
  inCall: z.number().int(),
  awaitingProvider: z.number().int(),
});

export const StepDetailSchema = z
  .object({
    nodeId: z.string(),
    type: z.string(),
    label: z.string().nullable(),
    entered: z.number().int(),
    waiting: z.number().int(),
    exits: z.record(z.string(), z.number().int()).openapi({ description: 'Contacts that left by each exit' }),
    outcomes: z.record(z.string(), z.number().int()).openapi({ description: 'Outcomes recorded at this step (end steps, exits that lead nowhere)' }),
    now: StepNowSchema.openapi({ description: 'The contacts at the step now, by what they are doing' }),
    timeSpent: z.object({
      stays: z.number().int().openapi({ description: 'Visits that left the step, which the figures are over' }),
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
    }),
    channels: StepChannelResultsSchema,
  })
  .openapi('StepDetail');

const TimelineEntrySchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    time: iso,
    nodeId: text,
    port: text,
    sentence: z.string(),
    message: z.object({ channel: z.string(), subject: z.string().optional(), body: z.string() }).nullable(),
    data: z.record(z.string(), z.unknown().openapi({ description: 'Any JSON value' })),
  })
  .openapi('TimelineEntry');

export const TimelineSchema = z
  .object({
    runId: z.string(),
    contact: z.object(ContactFields),
    now: z.object({ nodeId: z.string(), why: WhereaboutsSchema, words: z.string() }),
    path: z.array(z.string()).openapi({ description: 'The steps the contact entered, in order, for drawing on the canvas' }),
    events: z.array(TimelineEntrySchema),
  })
  .openapi('ContactTimeline');

const ContactsQuery = z.object({
  step: z.string().min(1).optional().openapi({ description: 'A step id; the whole run without it' }),
  state: z.enum(['waiting', 'held', 'all']).default('all'),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'Part of a name, phone number, email address or external id, any case' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().min(1).optional().openapi({ description: 'The `nextAfter` of the previous page' }),
});

/** Names of the agents of the run's calls: people have a row; simulated agents go by their id. */
async function agentNames(db: Executor): Promise<(id: string) => string> {
  const rows = await db.selectFrom('agents').select(['id', 'name']).execute();
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return (id) => names.get(id) ?? id;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function runContactRoutes(store: Store, now: () => number) {
  const db = store.db;
  const viewer = requireRole(db, 'viewer', now);

  async function journeyOf(runId: string): Promise<Journey> {
    const journey = await runJourney(db, runId);
    if (!journey) throw notFound(`The run "${runId}"`);
    return journey;
  }

  /** Each contact of the page with why it is where it is, from two more reads for the whole page. */
  async function explained(runId: string, journey: Journey, page: CursorWithContact[]) {
    const ids = page.map((c) => c.contactId);
    const events = await eventsOfContacts(db, runId, ids, whereaboutsEventTypes);
    const sends = await sendsOfContacts(
      db,
      runId,
      page.filter((c) => c.status === 'in-flight' && c.waitEvent === null).map((c) => c.contactId),
    );
    const agent = await agentNames(db);
    return page.map((c) => {
      const { why, words } = whereabouts(
        c,
        journey,
        events.filter((e) => e.contactId === c.contactId),
        sends.filter((s) => s.contactId === c.contactId),
        agent,
      );
      return {
        contactId: c.contactId,
        externalId: c.externalId,
        firstName: c.firstName,
        lastName: c.lastName,
        phone: c.phone,
        email: c.email,
        timezone: zoneOf(c, journey),
        nodeId: c.nodeId,
        status: c.status,
        visit: c.visit,
        why,
        words,
      };
    });
  }

  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/contacts',
        middleware: [viewer],
        security,
        summary: 'The contacts at a step now (or in the whole run), each with why it is there; paged and searchable',
        request: { params: z.object({ id: pathParam('id') }), query: ContactsQuery },
        responses: { 200: json(ContactPageSchema, 'A page of contacts'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { step, state, q, limit, after } = c.req.valid('query');
        const journey = await journeyOf(id);
        if (step !== undefined && !journey.nodes[step]) {
          throw new ApiError(400, 'bad_request', `The query is not valid at /step: the journey of the run "${id}" has no step "${step}"`, {
            issues: [{ path: '/step', message: `no step "${step}" in the journey` }],
          });
        }
        const rows = await contactsAt(db, id, {
          state,
          limit,
          ...(step !== undefined && { nodeId: step }),
          ...(q !== undefined && { q }),
          ...(after !== undefined && { after }),
        });
        const page = rows.slice(0, limit);
        return c.json({ contacts: await explained(id, journey, page), nextAfter: rows.length > limit ? page[page.length - 1]!.contactId : null }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/steps/{nodeId}',
        middleware: [viewer],
        security,
        summary: 'One step of a run: its exits, what its contacts are doing now, time spent there, and its channel results',
        request: { params: z.object({ id: pathParam('id'), nodeId: pathParam('nodeId') }) },
        responses: { 200: json(StepDetailSchema, 'The step'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id, nodeId } = c.req.valid('param');
        const journey = await journeyOf(id);
        const node = journey.nodes[nodeId];
        if (!node) throw notFound(`The step "${nodeId}" in the run "${id}"`);
        const metrics = (await runMetrics(db, id)).steps[nodeId] ?? { entered: 0, waiting: 0, ports: {}, outcomes: {} };
        const counts = { finished: 0, held: 0, moving: 0, waiting: 0, waitingForEvent: 0, queuedForCall: 0, inCall: 0, awaitingProvider: 0 };
        for (const row of await stepNow(db, id, nodeId)) {
          const n = Number(row.n);
          if (row.status === 'done') counts.finished += n;
          else if (row.status === 'ready') counts[Number(row.retried) ? 'held' : 'moving'] += n;
          else if (row.status === 'waiting') counts[row.waitEvent ? 'waitingForEvent' : 'waiting'] += n;
          else if (row.waitEvent === dialQueueWaitText) counts.queuedForCall += n;
          else if (row.waitEvent === onCallWaitText) counts.inCall += n;
          else counts.awaitingProvider += n;
        }
        const stays = (await stepStays(db, id, nodeId)).sort((a, b) => a - b);
        const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);
        return c.json(
          {
            nodeId,
            type: node.type,
            label: node.label ?? null,
            entered: metrics.entered,
            waiting: metrics.waiting,
            exits: metrics.ports,
            outcomes: metrics.outcomes,
            now: counts,
            timeSpent: { stays: stays.length, medianSeconds: seconds(percentile(stays, 0.5)), p90Seconds: seconds(percentile(stays, 0.9)) },
            channels: (await channelResults(db, id)).steps[nodeId] ?? {},
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/contacts/{contactId}/timeline',
        middleware: [viewer],
        security,
        summary: "A contact's story in a run: every event in order as a sentence, the messages it was sent, and its path",
        request: { params: z.object({ id: pathParam('id'), contactId: pathParam('contactId') }) },
        responses: { 200: json(TimelineSchema, 'The timeline'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id, contactId } = c.req.valid('param');
        const journey = await journeyOf(id);
        const [cursor] = await contactsAt(db, id, { state: 'all', limit: 1, contactId });
        if (!cursor) throw notFound(`The contact "${contactId}" in the run "${id}"`);
        const events = await eventsOfContact(db, id, contactId);
        const sends = await sendsOfContacts(db, id, [contactId]);
        const agent = await agentNames(db);
        const zone = zoneOf(cursor, journey);
        const { entries, path } = contactTimeline(events, sends, journey, zone, agent);
        const here = whereabouts(cursor, journey, events, sends, agent);
        return c.json(
          {
            runId: id,
            contact: {
              contactId,
              externalId: cursor.externalId,
              firstName: cursor.firstName,
              lastName: cursor.lastName,
              phone: cursor.phone,
              email: cursor.email,
              timezone: zone,
            },
            now: { nodeId: cursor.nodeId, ...here },
            path,
            events: entries,
          },
          200,
        );
      },
    );
}
