// The interpreter loop: reactions in, due contacts stepped, messages out, dialers paced, finished runs closed.
import type { ChannelProvider, FollowUp, Payload, SendResult } from '../channels/provider.ts';
import type { Clock } from '../clock.ts';
import { checkGate } from '../compliance/gate.ts';
import { claimLocked, type Executor, type Store } from '../store/dialect.ts';
import type { ChannelName, Contact, Cursor as CursorRow, OutboxRow } from '../store/schema.ts';
import { seededRandom } from '../random.ts';
import { TemplateRenderer } from '../templates/render.ts';
import type { ContactView, StepServices } from '../nodes/types.ts';
import { fromRow, toRow, type CursorState } from './cursor.ts';
import { applyReaction } from './reactions.ts';
import { loadRunContext, type RunContext } from './run-context.ts';
import { advance, exit, recordEvent, type StepEnvironment } from './steps.ts';
import { BatchWrites } from './writes.ts';
import type { DialerEngine } from './dialer-engine.ts';

export type Providers = Record<ChannelName, ChannelProvider>;

export interface InterpreterOptions {
  store: Store;
  clock: Clock;
  providers: Providers;
  dialer?: DialerEngine;
  /** Contacts claimed per transaction. */
  batchSize?: number;
  /** Sends of a message before a passing error counts as final. */
  maxAttempts?: number;
}

const sendEvents: Record<Exclude<ChannelName, 'voice'>, { ok: string; okEvent: string; failed: string; failedEvent: string }> = {
  sms: { ok: 'sent', okEvent: 'sms.sent', failed: 'failed', failedEvent: 'sms.failed' },
  email: { ok: 'sent', okEvent: 'email.sent', failed: 'failed', failedEvent: 'email.bounced' },
  webhook: { ok: 'ok', okEvent: 'webhook.called', failed: 'error', failedEvent: 'webhook.called' },
};

export class Interpreter {
  readonly store: Store;
  private readonly clock: Clock;
  private readonly providers: Providers;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly renderer = new TemplateRenderer();
  private readonly contexts = new Map<string, RunContext>();
  readonly dialer?: DialerEngine;

  constructor(options: InterpreterOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.providers = options.providers;
    this.batchSize = options.batchSize ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    if (options.dialer) this.dialer = options.dialer;
  }

  private get db() {
    return this.store.db;
  }

  render(template: string, scope: Parameters<TemplateRenderer['render']>[1]): string {
    return this.renderer.render(template, scope);
  }

  /** One round of every kind of work; returns how many things it did (0 when there was nothing due). */
  async tick(): Promise<number> {
    const now = this.clock.now();
    await this.startScheduledRuns(now);
    const runs = await this.db.selectFrom('runs').select('id').where('status', '=', 'running').orderBy('created_at').orderBy('id').execute();
    let work = 0;
    // Reactions keep arriving after a run completes or stops (a late STOP, an unsubscribe): still recorded and obeyed.
    const reacting = await this.db
      .selectFrom('inbox')
      .innerJoin('runs', 'runs.id', 'inbox.run_id')
      .select('inbox.run_id')
      .distinct()
      .where('runs.status', 'in', ['running', 'completed', 'stopped'])
      .where('inbox.due_at', '<=', now)
      .orderBy('inbox.run_id')
      .execute();
    for (const { run_id } of reacting) work += await this.processInbox(run_id, now);
    for (const { id } of runs) {
      work += await this.stepContacts(id, now);
      if (this.dialer) work += await this.dialer.pace(this, id, now);
    }
    work += await this.deliver(now);
    for (const { id } of runs) await this.completeIfFinished(id, now);
    return work;
  }

  /** The next moment anything is due, for the virtual clock to jump to; undefined when nothing ever will be. */
  async nextDueAt(): Promise<number | undefined> {
    const running = this.db.selectFrom('runs').select('id').where('status', 'in', ['running']);
    const cursor = await this.db.selectFrom('cursors').select((eb) => eb.fn.min('due_at').as('t')).where('run_id', 'in', running).executeTakeFirst();
    const outbox = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('t'))
      .where('status', '=', 'pending')
      .where('run_id', 'in', running)
      .executeTakeFirst();
    const reacting = this.db.selectFrom('runs').select('id').where('status', 'in', ['running', 'completed', 'stopped']);
    const inbox = await this.db.selectFrom('inbox').select((eb) => eb.fn.min('due_at').as('t')).where('run_id', 'in', reacting).executeTakeFirst();
    const scheduled = await this.db.selectFrom('runs').select((eb) => eb.fn.min('start_at').as('t')).where('status', '=', 'scheduled').executeTakeFirst();
    const dialer = this.dialer ? await this.dialer.nextDueAt(this) : undefined;
    const times = [cursor?.t, outbox?.t, inbox?.t, scheduled?.t, dialer].filter((t): t is number => t !== null && t !== undefined).map(Number);
    return times.length ? Math.min(...times) : undefined;
  }

  async context(runId: string): Promise<RunContext> {
    let context = this.contexts.get(runId);
    if (!context) {
      context = await loadRunContext(this.db, runId);
      if (!context) throw new Error(`There is no run ${runId}`);
      this.contexts.set(runId, context);
    }
    return context;
  }

  /** The environment handlers and exits write into, for one run, one batch and one moment. */
  environment(context: RunContext, writes: BatchWrites, now: number, dnc: Set<string> = new Set()): StepEnvironment {
    const seed = context.run.seed;
    const renderer = this.renderer;
    return {
      context,
      writes,
      now,
      services: (contact: ContactView): StepServices => ({
        render: (template, scope) => renderer.render(template, scope),
        checkGate: (request) => checkGate({ ...request, isDoNotContact: (channel, value) => dnc.has(`${channel}\u0000${value}`) }),
        random: (name) => seededRandom(seed, contact.id, name)(),
      }),
    };
  }

  private async startScheduledRuns(now: number): Promise<void> {
    await this.db.updateTable('runs').set({ status: 'running' }).where('status', '=', 'scheduled').where('start_at', '<=', now).execute();
  }

  /** Claims a batch of due contacts of a run and steps each until it waits; all writes commit together. */
  private async stepContacts(runId: string, now: number): Promise<number> {
    const context = await this.context(runId);
    return this.db.transaction().execute(async (tx) => {
      const rows = await claimLocked(
        tx
          .selectFrom('cursors')
          .selectAll()
          .where('run_id', '=', runId)
          .where('due_at', '<=', now)
          .orderBy('due_at')
          .orderBy('contact_id')
          .limit(this.batchSize),
        this.store.dialect,
      ).execute();
      if (!rows.length) return 0;
      const contacts = await loadContacts(tx, rows.map((r) => r.contact_id));
      const dnc = await loadDoNotContact(tx, [...contacts.values()]);
      const writes = new BatchWrites();
      const env = this.environment(context, writes, now, dnc);
      for (const row of rows) {
        const contact = contacts.get(row.contact_id);
        const cursor = fromRow(row);
        if (!contact) {
          recordEvent(env, cursor, 'contact.released', { reason: 'The contact was deleted from its list' });
          exitDeleted(env, cursor);
          continue;
        }
        advance(env, cursor, contact);
      }
      await writes.flush(tx, this.store.writeRows);
      return rows.length;
    });
  }

  /** Records reactions and outcomes that are due, and lets them move the contacts that wait for them. */
  private async processInbox(runId: string, now: number): Promise<number> {
    const context = await this.context(runId);
    return this.db.transaction().execute(async (tx) => {
      const rows = await claimLocked(
        tx.selectFrom('inbox').selectAll().where('run_id', '=', runId).where('due_at', '<=', now).orderBy('due_at').orderBy('id').limit(this.batchSize),
        this.store.dialect,
      ).execute();
      if (!rows.length) return 0;
      const cursors = await loadCursors(tx, runId, rows.map((r) => r.contact_id));
      const contacts = await loadContacts(tx, rows.map((r) => r.contact_id));
      const writes = new BatchWrites();
      for (const row of rows) {
        const env = this.environment(context, writes, Number(row.due_at));
        const cursor = cursors.get(row.contact_id);
        await applyReaction(tx, env, row, cursor, contacts.get(row.contact_id));
        writes.doneInbox.push(Number(row.id));
      }
      await this.stepOn(tx, context, writes, now, [...cursors.values()], contacts);
      await writes.flush(tx, this.store.writeRows);
      return rows.length;
    });
  }

  /** Hands due outbox messages to their providers and records each answer with the move it causes. */
  private async deliver(now: number): Promise<number> {
    const leaseMs = 60_000;
    const rows = await this.db.transaction().execute(async (tx) => {
      const due = await claimLocked(
        tx
          .selectFrom('outbox')
          .selectAll()
          .where('status', '=', 'pending')
          // A paused run sends nothing until it resumes.
          .where('run_id', 'in', tx.selectFrom('runs').select('runs.id').where('runs.status', '=', 'running'))
          .where('channel', '!=', 'voice')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(this.batchSize),
        this.store.dialect,
      ).execute();
      // Pushing the next attempt out works as a lease: another worker will not send these while this one does.
      if (due.length) await tx.updateTable('outbox').set({ next_attempt_at: now + leaseMs }).where('id', 'in', due.map((r) => r.id)).execute();
      return due;
    });
    if (!rows.length) return 0;
    const answers = await this.send(rows, now);
    await this.db.transaction().execute(async (tx) => {
      const writes = new BatchWrites();
      const byRun = new Map<string, number[]>();
      rows.forEach((row, i) => byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), i]));
      for (const [runId, indexes] of byRun) {
        const context = await this.context(runId);
        const env = this.environment(context, writes, now);
        const cursors = await loadCursors(tx, runId, indexes.map((i) => rows[i]!.contact_id));
        for (const i of indexes) await this.recordAnswer(tx, env, rows[i]!, answers[i]!, cursors.get(rows[i]!.contact_id));
        const run = await tx.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
        // Paused while its sends were out: the answers are recorded, the contacts stay where they are.
        if (run?.status === 'running') await this.stepOn(tx, context, writes, now, [...cursors.values()]);
      }
      await writes.flush(tx, this.store.writeRows);
    });
    return rows.length;
  }

  /**
   * Contacts that a reaction or an answer just moved to their next step go on at once, in the same transaction,
   * instead of waiting for the next claim: the same steps, one claim fewer for each send.
   */
  private async stepOn(tx: Executor, context: RunContext, writes: BatchWrites, now: number, cursors: CursorState[], known?: Map<string, ContactView>): Promise<void> {
    const moved = cursors.filter((c) => c.status === 'ready' && c.attempt === 0 && c.dueAt !== null && c.dueAt <= now);
    if (!moved.length) return;
    const contacts = known ?? (await loadContacts(tx, moved.map((c) => c.contactId)));
    const env = this.environment(context, writes, now, await loadDoNotContact(tx, moved.flatMap((c) => contacts.get(c.contactId) ?? [])));
    for (const cursor of moved) {
      const contact = contacts.get(cursor.contactId);
      if (contact) advance(env, cursor, contact);
    }
  }

  /** Each channel's sends at once: in bulk where the provider can, else concurrently. */
  private async send(rows: OutboxRow[], now: number): Promise<SendResult[]> {
    const answers: SendResult[] = new Array(rows.length);
    const byChannel = new Map<ChannelName, number[]>();
    rows.forEach((row, i) => byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), i]));
    for (const [channel, indexes] of byChannel) {
      const provider = this.providers[channel];
      const requests = indexes.map((i) => {
        const row = rows[i]!;
        return {
          key: row.idempotency_key,
          runId: row.run_id,
          contactId: row.contact_id,
          nodeId: row.node_id,
          payload: JSON.parse(row.payload) as Payload,
          attempt: row.attempts + 1,
          now,
        };
      });
      // A provider that throws answers with a passing error for those messages alone; the others are still recorded.
      const failed = (error: unknown): SendResult => ({ status: 'transient-error', reason: `The ${channel} provider failed: ${error instanceof Error ? error.message : String(error)}` });
      let results: SendResult[];
      if (provider.sendMany) {
        results = await provider.sendMany(requests).catch((error: unknown) => requests.map(() => failed(error)));
      } else {
        results = (await Promise.allSettled(requests.map((r) => provider.send(r)))).map((r) => (r.status === 'fulfilled' ? r.value : failed(r.reason)));
      }
      indexes.forEach((i, k) => (answers[i] = results[k]!));
    }
    return answers;
  }

  private async recordAnswer(tx: Executor, env: StepEnvironment, row: OutboxRow, answer: Awaited<ReturnType<ChannelProvider['send']>>, cursor: CursorState | undefined): Promise<void> {
    const channel = row.channel as Exclude<ChannelName, 'voice'>;
    const names = sendEvents[channel];
    const attempts = row.attempts + 1;
    const waiting = cursor && cursor.nodeId === row.node_id && cursor.status === 'in-flight' ? cursor : undefined;
    const eventCursor = { runId: row.run_id, contactId: row.contact_id, nodeId: row.node_id } as CursorState;
    if (answer.status === 'transient-error' && attempts < this.maxAttempts) {
      // Back off 30 s, 1 min, 2 min, ...: a passing outage should not turn into a flood of retries.
      const backoff = 30_000 * 2 ** (attempts - 1);
      env.writes.outboxChanges.set(row.id, { ...row, attempts, next_attempt_at: env.now + backoff, error: answer.reason });
      return;
    }
    if (answer.status === 'accepted') {
      env.writes.outboxChanges.set(row.id, { ...row, status: 'sent', attempts, sent_at: env.now, error: null });
      const data = { providerId: answer.providerId, attempts, ...answer.data };
      recordEvent(env, eventCursor, names.okEvent as 'sms.sent', data, row.node_id);
      for (const followUp of answer.followUps) env.writes.inbox.push(inboxRow(row, followUp));
      const port = channel === 'webhook' ? webhookPort(answer.data) : names.ok;
      if (waiting) {
        if (channel === 'webhook') saveWebhookReply(env, waiting, answer.data);
        exit(env, waiting, port, channel === 'webhook' ? { status: answer.data?.status } : {});
      }
      return;
    }
    const reason = answer.status === 'transient-error' ? `${answer.reason} (gave up after ${attempts} attempts)` : answer.reason;
    env.writes.outboxChanges.set(row.id, { ...row, status: 'failed', attempts, error: reason });
    recordEvent(env, eventCursor, names.failedEvent as 'sms.failed', { reason, attempts }, row.node_id);
    if (waiting) exit(env, waiting, names.failed, { error: reason });
  }

  private async completeIfFinished(runId: string, now: number): Promise<void> {
    const active = await this.db.selectFrom('counters').select('count').where('run_id', '=', runId).where('node_id', '=', '').where('metric', '=', 'active').executeTakeFirst();
    if (Number(active?.count ?? 0) > 0) return;
    const pending = await this.db.selectFrom('outbox').select('id').where('run_id', '=', runId).where('status', '=', 'pending').limit(1).executeTakeFirst();
    if (pending) return;
    await this.db.transaction().execute(async (tx) => {
      const updated = await tx.updateTable('runs').set({ status: 'completed', ended_at: now }).where('id', '=', runId).where('status', '=', 'running').executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) {
        await tx.insertInto('events').values({ run_id: runId, contact_id: null, type: 'run.completed', time: now, node_id: null, port: null, data: '{}' }).execute();
      }
    });
  }

  /**
   * Drives a run on a virtual clock until it completes or `until` passes. Each jump goes `resolutionMs` past the next
   * due moment, so that work due close together is done in one round (events keep their own times).
   */
  async runToCompletion(runId: string, options: { until?: number; advance: (to: number) => void; resolutionMs?: number }): Promise<{ completed: boolean; rounds: number }> {
    let rounds = 0;
    for (;;) {
      rounds++;
      const work = await this.tick();
      const run = await this.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
      if (run.status === 'completed' || run.status === 'stopped') return { completed: true, rounds };
      if (work > 0) continue;
      const next = await this.nextDueAt();
      if (next === undefined || (options.until !== undefined && next > options.until)) return { completed: false, rounds };
      options.advance(next + (options.resolutionMs ?? 0));
    }
  }
}

function webhookPort(data: Record<string, unknown> | undefined): string {
  const status = Number(data?.status ?? 0);
  return status >= 200 && status < 300 ? 'ok' : 'error';
}

function saveWebhookReply(env: StepEnvironment, cursor: CursorState, data: Record<string, unknown> | undefined): void {
  const node = env.context.journey.nodes[cursor.nodeId];
  if (node?.type !== 'webhook' || !node.config.saveAs) return;
  cursor.results.attributes = { ...cursor.results.attributes, [node.config.saveAs]: data?.reply ?? null };
}

function inboxRow(row: OutboxRow, followUp: FollowUp) {
  return {
    run_id: row.run_id,
    contact_id: row.contact_id,
    type: followUp.type,
    due_at: followUp.at,
    data: JSON.stringify({ nodeId: row.node_id, ...followUp.data }),
  };
}

function exitDeleted(env: StepEnvironment, cursor: CursorState): void {
  if (cursor.status !== 'ready' || cursor.attempt > 0) env.writes.count(cursor.runId, cursor.nodeId, 'waiting', -1);
  env.writes.count(cursor.runId, '', 'active', -1);
  cursor.status = 'done';
  cursor.dueAt = null;
  cursor.waitEvent = null;
  env.writes.cursor(toRow(cursor));
}

export async function loadContacts(db: Executor, ids: string[]): Promise<Map<string, ContactView>> {
  const out = new Map<string, ContactView>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('contacts').selectAll().where('id', 'in', unique.slice(i, i + 500)).execute();
    for (const row of rows) out.set(row.id, toContactView(row));
  }
  return out;
}

export function toContactView(row: Contact): ContactView {
  return {
    id: row.id,
    externalId: row.external_id,
    phone: row.phone,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    timezone: row.timezone,
    state: row.state,
    postalCode: row.postal_code,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    consent: JSON.parse(row.consent) as Record<string, boolean>,
  };
}

export async function loadCursors(db: Executor, runId: string, contactIds: string[]): Promise<Map<string, CursorState>> {
  const out = new Map<string, CursorState>();
  const unique = [...new Set(contactIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows: CursorRow[] = await db.selectFrom('cursors').selectAll().where('run_id', '=', runId).where('contact_id', 'in', unique.slice(i, i + 500)).execute();
    for (const row of rows) out.set(row.contact_id, fromRow(row));
  }
  return out;
}

/** The do-not-contact entries that concern a batch of contacts, as `channel\0value` keys. */
async function loadDoNotContact(db: Executor, contacts: ContactView[]): Promise<Set<string>> {
  const values = [...new Set(contacts.flatMap((c) => [c.phone, c.email]).filter((v): v is string => !!v))];
  const out = new Set<string>();
  for (let i = 0; i < values.length; i += 500) {
    const rows = await db.selectFrom('do_not_contact').select(['channel', 'value']).where('value', 'in', values.slice(i, i + 500)).execute();
    for (const r of rows) out.add(`${r.channel}\u0000${r.value}`);
  }
  return out;
}
