// Starting, pausing, resuming and stopping runs; a stopped run releases its contacts with the reason recorded.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Executor, Store } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';
import type { Database, Run } from '../store/schema.ts';
import { emptyResults } from './cursor.ts';
import type { RunOptions } from './run-context.ts';
import type { EventType } from '../../schemas/events.ts';
import { DomainError } from '../errors.ts';

export interface StartRunRequest {
  journeyId: string;
  version: number;
  listId: string;
  now: number;
  /** When contacts start entering; now when absent. */
  startAt?: number;
  simulated?: boolean;
  seed?: number;
  options?: RunOptions;
  id?: string;
}

/**
 * Work that must be kept or dropped with the change, such as its audit entry: run in the change's transaction, after
 * the change, with the run's id.
 */
export type AlongWith = (tx: Transaction<Database>, runId: string) => Promise<void>;

export async function startRun(store: Store, request: StartRunRequest, alongWith?: AlongWith): Promise<Run> {
  const id = request.id ?? randomUUID();
  const startAt = request.startAt ?? request.now;
  const journey = await store.db
    .selectFrom('journey_versions')
    .select('content')
    .where('journey_id', '=', request.journeyId)
    .where('version', '=', request.version)
    .executeTakeFirst();
  if (!journey) throw new RunError('not-found', `Journey ${request.journeyId} has no published version ${request.version}`);
  const { nodes } = parseJson(journey.content);
  const startNode = Object.keys(nodes).find((k) => nodes[k]!.type === 'start');
  if (!startNode) throw new RunError('not-found', `Journey ${request.journeyId} version ${request.version} has no Start step`);
  const list = await store.db.selectFrom('contact_lists').select('id').where('id', '=', request.listId).executeTakeFirst();
  if (!list) throw new RunError('not-found', `There is no contact list "${request.listId}"`);

  await store.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('runs')
      .values({
        id,
        journey_id: request.journeyId,
        version: request.version,
        list_id: request.listId,
        status: startAt <= request.now ? 'running' : 'scheduled',
        simulated: request.simulated ? 1 : 0,
        seed: request.seed ?? 1,
        options: JSON.stringify(request.options ?? {}),
        created_at: request.now,
        start_at: startAt,
        ended_at: null,
        stop_reason: null,
      })
      .execute();
    // One statement for the whole audience: a million contacts never pass through this process's memory.
    await tx
      .insertInto('cursors')
      .columns(['run_id', 'contact_id', 'node_id', 'status', 'due_at', 'visit', 'attempt', 'wait_event', 'results'])
      .expression((eb) =>
        eb
          .selectFrom('contacts')
          .select([
            sql.val(id).as('run_id'),
            'id',
            sql.val(startNode).as('node_id'),
            sql.val('ready').as('status'),
            sql.val(startAt).as('due_at'),
            sql.val(0).as('visit'),
            sql.val(0).as('attempt'),
            sql.val(null).as('wait_event'),
            sql.val(JSON.stringify(emptyResults())).as('results'),
          ])
          .where('list_id', '=', request.listId),
      )
      .execute();
    const { count } = await tx
      .selectFrom('cursors')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('run_id', '=', id)
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('counters')
      .values({ run_id: id, node_id: '', metric: 'active', count: Number(count) })
      .execute();
    await tx
      .insertInto('counters')
      .values({ run_id: id, node_id: '', metric: 'audience', count: Number(count) })
      .execute();
    await recordRunEvent(tx, id, 'run.started', request.now, {
      journeyId: request.journeyId,
      version: request.version,
      listId: request.listId,
      audience: Number(count),
      startAt: new Date(startAt).toISOString(),
    });
    await alongWith?.(tx, id);
  });
  return store.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A run that cannot be started (not-found: its version or list is missing) or changed (conflict: its status does not allow it). */
export class RunError extends DomainError {
  override name = 'RunError';
}

export async function pauseRun(store: Store, runId: string, now: number, alongWith?: AlongWith): Promise<void> {
  await transition(store, runId, ['running', 'scheduled'], 'paused', 'run.paused', now, alongWith);
}

export async function resumeRun(store: Store, runId: string, now: number, alongWith?: AlongWith): Promise<void> {
  await transition(store, runId, ['paused'], 'running', 'run.resumed', now, alongWith);
}

/** Stops a run: every contact still in it is released, with the reason, and nothing more is sent for it. */
export async function stopRun(store: Store, runId: string, now: number, reason: string, alongWith?: AlongWith): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    const run = await tx.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
    if (!run) throw new RunError('not-found', `There is no run ${runId}`);
    if (run.status === 'stopped' || run.status === 'completed')
      throw new RunError('conflict', `Run ${runId} has already ${run.status === 'stopped' ? 'stopped' : 'completed'}`);
    await tx
      .insertInto('events')
      .columns(['run_id', 'contact_id', 'type', 'time', 'node_id', 'port', 'data'])
      .expression((eb) =>
        eb
          .selectFrom('cursors')
          .select([
            'run_id',
            'contact_id',
            sql.val('contact.released').as('type'),
            sql.val(now).as('time'),
            'node_id',
            sql.val(null).as('port'),
            sql.val(JSON.stringify({ reason })).as('data'),
          ])
          .where('run_id', '=', runId)
          .where('status', '!=', 'done'),
      )
      .execute();
    await tx.updateTable('cursors').set({ status: 'done', due_at: null, wait_event: null }).where('run_id', '=', runId).where('status', '!=', 'done').execute();
    await tx
      .updateTable('outbox')
      .set({ status: 'failed', error: `Run stopped: ${reason}` })
      .where('run_id', '=', runId)
      .where('status', '=', 'pending')
      .execute();
    // Released contacts are held nowhere any more.
    await tx
      .updateTable('counters')
      .set({ count: 0 })
      .where('run_id', '=', runId)
      .where((eb) => eb.or([eb.and([eb('node_id', '=', ''), eb('metric', '=', 'active')]), eb('metric', '=', 'waiting')]))
      .execute();
    await tx.updateTable('runs').set({ status: 'stopped', ended_at: now, stop_reason: reason }).where('id', '=', runId).execute();
    await recordRunEvent(tx, runId, 'run.stopped', now, { reason });
    await alongWith?.(tx, runId);
  });
}

async function transition(
  store: Store,
  runId: string,
  from: Run['status'][],
  to: Run['status'],
  event: 'run.paused' | 'run.resumed',
  now: number,
  alongWith?: AlongWith,
): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    const run = await tx.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
    if (!run) throw new RunError('not-found', `There is no run ${runId}`);
    if (!from.includes(run.status))
      throw new RunError('conflict', `Run ${runId} is ${run.status}; only a ${from.join(' or ')} run can be ${to === 'paused' ? 'paused' : 'resumed'}`);
    await tx.updateTable('runs').set({ status: to }).where('id', '=', runId).execute();
    await recordRunEvent(tx, runId, event, now, {});
    await alongWith?.(tx, runId);
  });
}

export async function recordRunEvent(db: Executor, runId: string, type: EventType, time: number, data: Record<string, unknown>): Promise<void> {
  await db
    .insertInto('events')
    .values({ run_id: runId, contact_id: null, type, time, node_id: null, port: null, data: JSON.stringify(data) })
    .execute();
}
