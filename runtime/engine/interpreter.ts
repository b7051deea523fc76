// The interpreter loop: reactions in, due contacts stepped, messages out, dialers paced, finished runs closed.
import type { ChannelProvider, FollowUp, SendResult } from '../channels/provider.ts';
import type { Clock } from '../clock.ts';
import { checkGate } from '../compliance/gate.ts';
import { loadGateData, type GateData } from '../store/repositories/compliance.ts';
import type { SelectQueryBuilder, Transaction } from 'kysely';
import { claimLocked, lockedForUpdate, type Executor, type Store } from '../store/dialect.ts';
import type { ChannelName, Contact, Cursor as CursorRow, Database, OutboxRow, RunStatus } from '../store/schema.ts';
import { seededRandom } from '../random.ts';
import { TemplateRenderer } from '../templates/render.ts';
import { encodeLinkToken } from '../nodes/links.ts';
import type { ContactView, StepServices } from '../nodes/types.ts';
import { fromRow, type CursorState } from './cursor.ts';
import { applyReaction } from './reactions.ts';
import { loadRunContext, timelineOf, type RunContext } from './run-context.ts';
import { advance, exit, recordEvent, type StepEnvironment } from './steps.ts';
import { BatchWrites } from './writes.ts';
import type { DialerEngine } from './dialer-engine.ts';
import { dialerHost } from './dialer-host.ts';
import { prepareLastCheck, type Refusal } from './last-check.ts';
import { doNotContactOfContacts, scopeOfRun } from '../store/repositories/permissions.ts';
import { parseJson } from '../store/json.ts';
import { loadContacts, toContactView } from '../contacts/contact-view.ts';

/** Where the engine's callers found them before contacts/ read them. */
export { loadContacts, toContactView };

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
  /**
   * How long a worker holds the messages it hands to providers (ms on its clock, default 60 s): another worker sends
   * them again only once this has passed, so after a crash they wait this long. Tests shorten it.
   */
  sendLeaseMs?: number;
  /**
   * The runs this interpreter drives: all of them (the default), the live ones only (on the real clock), or one
   * simulated run on its own virtual clock. A server drives each simulated run apart so that its clock can race ahead.
   */
  scope?: RunScope;
  /**
   * How long the context of a run that is no longer running stays in memory after its last use (wall-clock ms,
   * default a minute). A server lives through thousands of runs; a finished run's late reports reload it on demand.
   */
  idleContextMs?: number;
}

export type RunScope = { kind: 'all' } | { kind: 'live' } | { kind: 'run'; runId: string };

const sendEvents: Record<Exclude<ChannelName, 'voice'>, { ok: string; okEvent: string; failed: string; failedEvent: string }> = {
  sms: { ok: 'sent', okEvent: 'sms.sent', failed: 'failed', failedEvent: 'sms.failed' },
  email: { ok: 'sent', okEvent: 'email.sent', failed: 'failed', failedEvent: 'email.bounced' },
  webhook: { ok: 'ok', okEvent: 'webhook.called', failed: 'error', failedEvent: 'webhook.called' },
};

/** How long stepping a batch runs before it lets requests and timers in. */
const stepSliceMs = 20;
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Interpreter {
  readonly store: Store;
  private readonly clock: Clock;
  private readonly providers: Providers;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly sendLeaseMs: number;
  private readonly renderer = new TemplateRenderer();
  /** Each run's context with the wall-clock moment (performance.now) it was last asked for. */
  private readonly contexts = new Map<string, { context: RunContext; usedAt: number }>();
  private readonly idleContextMs: number;
  readonly dialer?: DialerEngine;
  readonly scope: RunScope;

  constructor(options: InterpreterOptions) {
    this.scope = options.scope ?? { kind: 'all' };
    this.store = options.store;
    this.clock = options.clock;
    this.providers = options.providers;
    this.batchSize = options.batchSize ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.sendLeaseMs = options.sendLeaseMs ?? 60_000;
    this.idleContextMs = options.idleContextMs ?? 60_000;
    if (options.dialer) this.dialer = options.dialer;
  }

  private get db() {
    return this.store.db;
  }

  /** The ids of the runs in this interpreter's scope with one of `statuses`, as a subquery. */
  private runsIn(db: Executor, statuses: RunStatus[]) {
    let query = db.selectFrom('runs').select('runs.id').where('runs.status', 'in', statuses);
    if (this.scope.kind === 'live') query = query.where('runs.simulated', '=', 0);
    if (this.scope.kind === 'run') query = query.where('runs.id', '=', this.scope.runId);
    return query;
  }

  render(template: string, scope: Parameters<TemplateRenderer['render']>[1]): string {
    return this.renderer.render(template, scope);
  }

  /** One round of every kind of work; returns how many things it did (0 when there was nothing due). */
  async tick(): Promise<number> {
    const now = this.clock.now();
    await this.startScheduledRuns(now);
    const runs = await this.runsIn(this.db, ['running']).select('runs.created_at').orderBy('runs.created_at').orderBy('runs.id').execute();
    this.forgetIdleContexts(new Set(runs.map((r) => r.id)));
    let work = await this.processInbox(now);
    for (const { id } of runs) {
      work += await this.stepContacts(id, now);
      if (this.dialer) work += await this.dialer.pace(dialerHost(this), id, now);
    }
    if (this.dialer?.deliver) work += await this.dialer.deliver(dialerHost(this), Math.max(now, this.clock.now()));
    // Sending reads the clock again: the round's `now` is as old as the stepping and pacing before it (seconds on a busy
    // machine), and the send lease is counted from it. Taken from an old `now`, a lease would run out early, even
    // before the claim, so another worker would send the same messages while this one still does; and expired leases
    // of a dead worker would only be seen a round late. The end of a run comes after its last answers.
    const sending = Math.max(now, this.clock.now());
    work += await this.deliver(sending);
    for (const { id } of runs) await this.completeIfFinished(id, Math.max(sending, this.clock.now()));
    return work;
  }

  /** The next moment anything is due, for the virtual clock to jump to; undefined when nothing ever will be. */
  async nextDueAt(): Promise<number | undefined> {
    const running = this.runsIn(this.db, ['running']);
    const cursor = await this.db
      .selectFrom('cursors')
      .select((eb) => eb.fn.min('due_at').as('t'))
      .where('run_id', 'in', running)
      .executeTakeFirst();
    const outbox = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('t'))
      .where('status', '=', 'pending')
      .where('run_id', 'in', running)
      .executeTakeFirst();
    const reacting = this.runsIn(this.db, ['running', 'completed', 'stopped']);
    const inbox = await this.db
      .selectFrom('inbox')
      .select((eb) => eb.fn.min('due_at').as('t'))
      .where('run_id', 'in', reacting)
      .executeTakeFirst();
    const scheduled = await this.db
      .selectFrom('runs')
      .select((eb) => eb.fn.min('start_at').as('t'))
      .where('id', 'in', this.runsIn(this.db, ['scheduled']))
      .executeTakeFirst();
    const dialer = this.dialer ? await this.dialer.nextDueAt(dialerHost(this)) : undefined;
    const times = [cursor?.t, outbox?.t, inbox?.t, scheduled?.t, dialer].filter((t): t is number => t !== null && t !== undefined).map(Number);
    return times.length ? Math.min(...times) : undefined;
  }

  /** `db` is the transaction the caller holds, if any: on SQLite a read outside it would wait for it forever. */
  async context(runId: string, db: Executor = this.db): Promise<RunContext> {
    const usedAt = performance.now();
    const kept = this.contexts.get(runId);
    if (kept) {
      kept.usedAt = usedAt;
      return kept.context;
    }
    const context = await loadRunContext(db, runId);
    if (!context) throw new Error(`There is no run ${runId}`);
    this.contexts.set(runId, { context, usedAt });
    return context;
  }

  /** How many run contexts are in memory (what `idleContextMs` keeps bounded). */
  get contextsKept(): number {
    return this.contexts.size;
  }

  /**
   * Drops the contexts of runs that are not running and were not asked for within `idleContextMs`: without this, a
   * server's live interpreter kept every run it ever drove, and its memory grew with the runs started.
   */
  private forgetIdleContexts(running: Set<string>): void {
    const before = performance.now() - this.idleContextMs;
    for (const [runId, kept] of this.contexts) {
      if (!running.has(runId) && kept.usedAt <= before) this.contexts.delete(runId);
    }
  }

  /** The environment handlers and exits write into, for one run, one batch and one moment. */
  environment(context: RunContext, writes: BatchWrites, now: number, dnc: Set<string> = new Set(), gateData: GateData = {}): StepEnvironment {
    const seed = context.run.seed;
    const renderer = this.renderer;
    return {
      context,
      writes,
      now,
      services: (contact: ContactView): StepServices => ({
        render: (template, scope) => renderer.render(template, scope),
        checkGate: (request) => checkGate({ ...request, ...gateData, isDoNotContact: (channel, value) => dnc.has(`${channel}\u0000${value}`) }),
        random: (name) => seededRandom(seed, contact.id, name)(),
        linkToken: (token) => encodeLinkToken(token, context.linkSecret),
      }),
    };
  }

  private async startScheduledRuns(now: number): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status: 'running' })
      .where('id', 'in', this.runsIn(this.db, ['scheduled']))
      .where('start_at', '<=', now)
      .execute();
  }

  /** Claims a batch of due contacts of a run and steps each until it waits; all writes commit together. */
  private async stepContacts(runId: string, now: number): Promise<number> {
    const context = await this.context(runId);
    return this.db.transaction().execute(async (tx) => {
      const rows = await this.store.readRows(
        tx,
        claimLocked(
          withContact(tx.selectFrom('cursors'))
            .where('cursors.run_id', '=', runId)
            .where('cursors.due_at', '<=', now)
            .orderBy('cursors.due_at')
            .orderBy('cursors.contact_id')
            .limit(this.batchSize),
          this.store.dialect,
          'cursors',
        ),
      );
      if (!rows.length) return 0;
      const claimed = rows.map((row) => loadedOf(runId, row));
      const batch = claimed.flatMap((c) => c.contact ?? []);
      const dnc = await doNotContactOfContacts(tx, scopeOfRun(context.run), batch);
      const writes = new BatchWrites();
      const env = this.environment(context, writes, now, dnc, await loadGateData(tx, context.journey, timelineOf(context), batch, now));
      let slice = performance.now();
      for (const { cursor, contact } of claimed) {
        // Rendering is synchronous: a batch of contacts with a costly template would otherwise hold the thread, and every
        // request to the server, for seconds.
        if (performance.now() - slice >= stepSliceMs) {
          await yieldToIo();
          slice = performance.now();
        }
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

  /**
   * Records reactions and outcomes that are due, and lets them move the contacts that wait for them. One claim serves
   * every run: reactions keep arriving after a run completes or stops (a late STOP, an unsubscribe) and are still
   * recorded and obeyed; a paused run's wait until it resumes.
   */
  private async processInbox(now: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const rows = await claimLocked(
        tx
          .selectFrom('inbox')
          .selectAll('inbox')
          .where('inbox.run_id', 'in', this.runsIn(tx, ['running', 'completed', 'stopped']))
          .where('inbox.due_at', '<=', now)
          .orderBy('inbox.due_at')
          .orderBy('inbox.id')
          .limit(this.batchSize),
        this.store.dialect,
      ).execute();
      if (!rows.length) return 0;
      const writes = new BatchWrites();
      for (const [runId, runRows] of groupBy(rows, (r) => r.run_id)) {
        const context = await this.context(runId, tx);
        const loaded = await loadCursorsWithContacts(
          this.store,
          tx,
          runId,
          runRows.map((r) => r.contact_id),
        );
        for (const row of runRows) {
          const env = this.environment(context, writes, Number(row.due_at));
          const found = loaded.get(row.contact_id);
          await applyReaction(tx, env, row, found?.cursor, found?.contact);
          writes.doneInbox.push(Number(row.id));
        }
        await this.stepOn(tx, context, writes, now, [...loaded.values()]);
      }
      await writes.flush(tx, this.store.writeRows);
      return rows.length;
    });
  }

  /** Hands due outbox messages to their providers and records each answer with the move it causes. */
  private async deliver(now: number): Promise<number> {
    const leaseMs = this.sendLeaseMs;
    // Pushing the next attempt out works as a lease: another worker will not send these while this one does, and
    // after a crash they go again once it runs out (the provider answers a repeated key as it did the first time).
    const rows = await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: now + leaseMs })
      .where(
        'id',
        'in',
        claimLocked(
          this.db
            .selectFrom('outbox')
            .select('outbox.id')
            .where('status', '=', 'pending')
            // A paused run sends nothing until it resumes. Answers to a contact's own message (HELP), which belong to
            // no step, still go out after the run has completed or stopped.
            .where((eb) =>
              eb.or([
                eb('run_id', 'in', this.runsIn(this.db, ['running'])),
                eb.and([eb('node_id', '=', ''), eb('run_id', 'in', this.runsIn(this.db, ['running', 'completed', 'stopped']))]),
              ]),
            )
            .where('channel', '!=', 'voice')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(this.batchSize),
          this.store.dialect,
        ),
      )
      .returningAll()
      .execute();
    rows.sort((a, b) => a.id - b.id);
    if (!rows.length) return 0;
    const refusals = await this.checkSends(rows, now);
    const answers = await this.send(
      rows.filter((row) => !refusals.has(row.id)),
      now,
    );
    await this.db.transaction().execute(async (tx) => {
      // Only answers to sends still pending as this worker leased them are recorded. A lease that ran out while the
      // provider took its time let another worker send the same key again (the provider answers it as before); the
      // first of the two to get here records the answer, the other drops it, so it is recorded once.
      const pending = new Map<number, number>();
      for (let i = 0; i < rows.length; i += 500) {
        const ids = rows.slice(i, i + 500).map((r) => r.id);
        const still = await lockedForUpdate(
          tx.selectFrom('outbox').select(['id', 'attempts']).where('id', 'in', ids).where('status', '=', 'pending').orderBy('id'),
          this.store.dialect,
        ).execute();
        for (const r of still) pending.set(Number(r.id), Number(r.attempts));
      }
      const recorded = rows.flatMap((row, i) => (pending.get(Number(row.id)) === row.attempts ? [i] : []));
      const writes = new BatchWrites();
      const sent = rows.filter((row) => !refusals.has(row.id));
      const answerOf = new Map(sent.map((row, k) => [row.id, answers[k]!]));
      for (const [runId, indexes] of groupBy(recorded, (i) => rows[i]!.run_id)) {
        const context = await this.context(runId, tx);
        const env = this.environment(context, writes, now);
        const loaded = await loadCursorsWithContacts(
          this.store,
          tx,
          runId,
          indexes.map((i) => rows[i]!.contact_id),
        );
        for (const i of indexes) {
          const row = rows[i]!;
          const cursor = loaded.get(row.contact_id)?.cursor;
          const refusal = refusals.get(row.id);
          if (refusal) recordRefusal(env, row, refusal, cursor);
          else await this.recordAnswer(env, row, answerOf.get(row.id)!, cursor);
        }
        const run = await tx.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
        // Paused while its sends were out: the answers are recorded, the contacts stay where they are.
        if (run?.status === 'running') await this.stepOn(tx, context, writes, now, [...loaded.values()]);
      }
      await writes.flush(tx, this.store.writeRows);
    });
    return rows.length;
  }

  /**
   * Contacts that a reaction or an answer just moved to their next step go on at once, in the same transaction,
   * instead of waiting for the next claim: the same steps, one claim fewer for each send.
   */
  private async stepOn(tx: Executor, context: RunContext, writes: BatchWrites, now: number, loaded: Loaded[]): Promise<void> {
    const moved = loaded.filter(({ cursor: c, contact }) => contact && c.status === 'ready' && c.attempt === 0 && c.dueAt !== null && c.dueAt <= now);
    if (!moved.length) return;
    const batch = moved.flatMap((m) => m.contact ?? []);
    const env = this.environment(
      context,
      writes,
      now,
      await doNotContactOfContacts(tx, scopeOfRun(context.run), batch),
      await loadGateData(tx, context.journey, timelineOf(context), batch, now),
    );
    for (const { cursor, contact } of moved) advance(env, cursor, contact!);
  }

  /**
   * The check at the moment of sending, for every text and email whatever the journey's gates said: the sends the
   * rules refuse now, by outbox id. Answers to a contact's own message (HELP) and webhooks reach no person unasked.
   */
  private async checkSends(rows: OutboxRow[], now: number): Promise<Map<number, Refusal>> {
    const refusals = new Map<number, Refusal>();
    const checked = rows.filter((row) => (row.channel === 'sms' || row.channel === 'email') && row.node_id !== '');
    for (const [runId, runRows] of groupBy(checked, (row) => row.run_id)) {
      const context = await this.context(runId);
      const contacts = await loadContacts(
        this.db,
        runRows.map((row) => row.contact_id),
      );
      const check = await prepareLastCheck(this.db, context, [...contacts.values()], now);
      for (const row of runRows) {
        const contact = contacts.get(row.contact_id);
        if (!contact) continue;
        const refusal = check(contact, row.channel as 'sms' | 'email', now, { outboxId: row.id });
        if (refusal) refusals.set(row.id, refusal);
      }
    }
    return refusals;
  }

  /** Each channel's sends at once: in bulk where the provider can, else concurrently. */
  private async send(rows: OutboxRow[], now: number): Promise<SendResult[]> {
    const answers: SendResult[] = new Array(rows.length);
    for (const [channel, indexes] of groupBy(
      rows.map((_, i) => i),
      (i) => rows[i]!.channel,
    )) {
      const provider = this.providers[channel];
      const requests = indexes.map((i) => {
        const row = rows[i]!;
        const payload = parseJson(row.payload);
        // Calls are in the outbox only as the dialer's record of what it placed, sent already; deliver never claims them.
        if (payload.channel === 'voice') throw new Error(`Outbox row ${row.id} is a call the dialer placed: calls are not delivered from the outbox`);
        return {
          key: row.idempotency_key,
          runId: row.run_id,
          contactId: row.contact_id,
          nodeId: row.node_id,
          payload,
          attempt: row.attempts + 1,
          now,
        };
      });
      // A provider that throws answers with a passing error for those messages alone; the others are still recorded.
      const failed = (error: unknown): SendResult => ({
        status: 'transient-error',
        reason: `The ${channel} provider failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      let results: SendResult[];
      if (provider.sendMany) {
        results = await provider.sendMany(requests).catch((error: unknown) => requests.map(() => failed(error)));
      } else {
        results = (await Promise.allSettled(requests.map((r) => provider.send(r)))).map((r) => (r.status === 'fulfilled' ? r.value : failed(r.reason)));
      }
      for (const [k, i] of indexes.entries()) answers[i] = results[k]!;
    }
    return answers;
  }

  private async recordAnswer(
    env: StepEnvironment,
    row: OutboxRow,
    answer: Awaited<ReturnType<ChannelProvider['send']>>,
    cursor: CursorState | undefined,
  ): Promise<void> {
    const channel = row.channel as Exclude<ChannelName, 'voice'>;
    const names = sendEvents[channel];
    const attempts = row.attempts + 1;
    const waiting = cursor && cursor.nodeId === row.node_id && cursor.status === 'in-flight' ? cursor : undefined;
    const eventCursor = { runId: row.run_id, contactId: row.contact_id, nodeId: row.node_id } as CursorState;
    if (answer.status === 'deferred') {
      // Held back by the step's own limit and never sent: offered again later, and not an attempt.
      env.writes.outboxChanges.set(row.id, { ...row, next_attempt_at: Math.max(answer.until, env.now + 1), error: answer.reason });
      return;
    }
    if (answer.status === 'transient-error' && attempts < this.maxAttempts) {
      // Back off 30 s, 1 min, 2 min, ...: a passing outage should not turn into a flood of retries.
      const backoff = 30_000 * 2 ** (attempts - 1);
      env.writes.outboxChanges.set(row.id, { ...row, attempts, next_attempt_at: env.now + backoff, error: answer.reason });
      // A webhook that timed out may still have been handled by the other system: each call made is in the events
      // with its attempt number, so that a retry is seen as a retry and not as a second contact.
      if (channel === 'webhook')
        recordEvent(
          env,
          eventCursor,
          'webhook.called',
          { attempt: attempts, error: answer.reason, retryAt: new Date(env.now + backoff).toISOString() },
          row.node_id,
        );
      return;
    }
    if (answer.status === 'accepted') {
      // Only a real provider reports back by its own id; a simulation's ids are never looked up, so they stay out of
      // the index.
      const providerId = env.context.run.simulated ? null : answer.providerId;
      env.writes.outboxChanges.set(row.id, { ...row, status: 'sent', attempts, sent_at: env.now, error: null, provider_id: providerId });
      const data = { providerId: answer.providerId, attempts, ...(channel === 'webhook' && { attempt: attempts }), ...answer.data };
      recordEvent(env, eventCursor, names.okEvent as 'sms.sent', data, row.node_id);
      // Per run and channel, so that the server can report sends without counting events.
      env.writes.count(row.run_id, '', `sent:${channel}`);
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
    recordEvent(env, eventCursor, names.failedEvent as 'sms.failed', { reason, attempts, ...(channel === 'webhook' && { attempt: attempts }) }, row.node_id);
    if (waiting) exit(env, waiting, names.failed, { error: reason });
  }

  private async completeIfFinished(runId: string, now: number): Promise<void> {
    const active = await this.db
      .selectFrom('counters')
      .select('count')
      .where('run_id', '=', runId)
      .where('node_id', '=', '')
      .where('metric', '=', 'active')
      .executeTakeFirst();
    if (Number(active?.count ?? 0) > 0) return;
    const pending = await this.db.selectFrom('outbox').select('id').where('run_id', '=', runId).where('status', '=', 'pending').limit(1).executeTakeFirst();
    if (pending) return;
    await this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('runs')
        .set({ status: 'completed', ended_at: now })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) {
        await tx
          .insertInto('events')
          .values({ run_id: runId, contact_id: null, type: 'run.completed', time: now, node_id: null, port: null, data: '{}' })
          .execute();
      }
    });
  }

  /**
   * Drives a run on a virtual clock until it completes or `until` passes. Each jump goes `resolutionMs` past the next
   * due moment, so that work due close together is done in one round (events keep their own times).
   */
  async runToCompletion(
    runId: string,
    options: { until?: number; advance: (to: number) => void; resolutionMs?: number },
  ): Promise<{ completed: boolean; rounds: number }> {
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

/** A send the check at the moment of sending refused: it never went; the contact leaves its step by `failed`. */
function recordRefusal(env: StepEnvironment, row: OutboxRow, refusal: Refusal, cursor: CursorState | undefined): void {
  const reason = `Not sent: ${refusal.reason}`;
  env.writes.outboxChanges.set(row.id, { ...row, status: 'failed', error: reason });
  const eventCursor = { runId: row.run_id, contactId: row.contact_id, nodeId: row.node_id } as CursorState;
  recordEvent(env, eventCursor, 'compliance.refused', { channel: row.channel, check: refusal.check, rule: refusal.rule, reason: refusal.reason }, row.node_id);
  const waiting = cursor && cursor.nodeId === row.node_id && cursor.status === 'in-flight' ? cursor : undefined;
  if (waiting) exit(env, waiting, 'failed', { error: reason, rule: refusal.rule });
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
  env.writes.cursor(cursor);
}

/** A contact's cursor with the contact itself, which is missing when the contact was deleted from its list. */
interface Loaded {
  cursor: CursorState;
  contact: ContactView | undefined;
}

/**
 * The cursor's columns with the contact's, read in one join as arrays (`readRows`): every claim needs both, thousands at
 * a time. The run is known, so its id is not read again for every row.
 */
const cursorColumns = ['contact_id', 'node_id', 'status', 'due_at', 'visit', 'attempt', 'wait_event', 'results'] as const;
const contactColumns = ['id', 'external_id', 'phone', 'email', 'first_name', 'last_name', 'timezone', 'state', 'postal_code', 'attributes', 'consent'] as const;

function withContact(query: SelectQueryBuilder<Database, 'cursors', object>) {
  return query
    .leftJoin('contacts', 'contacts.id', 'cursors.contact_id')
    .select([...cursorColumns.map((c) => `cursors.${c}` as const), ...contactColumns.map((c) => `contacts.${c} as c_${c}` as const)]);
}

/** A row of `withContact` as `readRows` returns it: the cursor's columns, then the contact's (null when it was deleted). */
type JoinedRow = [
  ...[string, string, CursorRow['status'], number | null, number, number, CursorRow['wait_event'], CursorRow['results']],
  ...[
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    string | null,
    Contact['attributes'] | null,
    Contact['consent'] | null,
  ],
];

function loadedOf(runId: string, row: unknown[]): Loaded {
  const [
    contact_id,
    node_id,
    status,
    due_at,
    visit,
    attempt,
    wait_event,
    results,
    id,
    external_id,
    phone,
    email,
    first_name,
    last_name,
    timezone,
    state,
    postal_code,
    attributes,
    consent,
  ] = row as JoinedRow;
  return {
    cursor: fromRow({ run_id: runId, contact_id, node_id, status, due_at, visit, attempt, wait_event, results }),
    contact:
      id === null
        ? undefined
        : toContactView({
            id,
            external_id,
            phone,
            email,
            first_name,
            last_name,
            timezone,
            state,
            postal_code,
            attributes: attributes ?? '{}',
            consent: consent ?? '{}',
          }),
  };
}

/**
 * The cursors of contacts that reactions or answers are about to move, locked until the transaction ends: on PostgreSQL
 * another worker may hold one (claimed because its wait ran out, say), and a move written over its move would undo it.
 * Locked in contact order, as every such load takes them, so that two loads cannot wait for each other.
 */
async function loadCursorsWithContacts(store: Store, tx: Transaction<Database>, runId: string, contactIds: string[]): Promise<Map<string, Loaded>> {
  const out = new Map<string, Loaded>();
  const unique = [...new Set(contactIds)].sort();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await store.readRows(
      tx,
      lockedForUpdate(
        withContact(tx.selectFrom('cursors'))
          .where('cursors.run_id', '=', runId)
          .where('cursors.contact_id', 'in', unique.slice(i, i + 500))
          .orderBy('cursors.contact_id'),
        store.dialect,
        'cursors',
      ),
    );
    for (const row of rows) {
      const loaded = loadedOf(runId, row);
      out.set(loaded.cursor.contactId, loaded);
    }
  }
  return out;
}

function groupBy<T, K extends string>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const group = out.get(key(row));
    if (group) group.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}

export async function loadCursors(db: Executor, runId: string, contactIds: string[]): Promise<Map<string, CursorState>> {
  const out = new Map<string, CursorState>();
  const unique = [...new Set(contactIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows: CursorRow[] = await db
      .selectFrom('cursors')
      .selectAll()
      .where('run_id', '=', runId)
      .where('contact_id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.contact_id, fromRow(row));
  }
  return out;
}
