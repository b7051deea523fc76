// The interpreter's side of the dialer's door (`dialer-engine.ts`): the engine's cursors, events, writes and checks
// behind the few operations a dialer needs.
import { templateScope } from '../nodes/types.ts';
import { claimLocked, tryLockRun } from '../store/dialect.ts';
import type { Executor } from '../store/dialect.ts';
import { idempotencyKey, type CursorState } from './cursor.ts';
import type { CallExit, DialerHost, DialerRound, DialGate, FollowUp, StepContact } from './dialer-engine.ts';
import { loadContacts, loadCursors, type Interpreter } from './interpreter.ts';
import { prepareLastCheck } from './last-check.ts';
import type { RunContext } from './run-context.ts';
import { exit, recordEvent, type StepEnvironment } from './steps.ts';
import { BatchWrites } from './writes.ts';
import { dialQueueWaitText, onCallWait, onCallWaitText } from './wait-markers.ts';

export function dialerHost(interpreter: Interpreter): DialerHost {
  const { store, scope } = interpreter;
  return {
    db: store.db,
    async runningRuns() {
      let runs = store.db.selectFrom('runs').select('id').where('status', '=', 'running');
      if (scope.kind === 'live') runs = runs.where('simulated', '=', 0);
      if (scope.kind === 'run') runs = runs.where('id', '=', scope.runId);
      return (await runs.execute()).map((r) => r.id);
    },
    context: (runId) => interpreter.context(runId),
    async hasQueued(runId, nodeId) {
      const row = await store.db
        .selectFrom('cursors')
        .select('contact_id')
        .where('run_id', '=', runId)
        .where('node_id', '=', nodeId)
        .where('wait_event', '=', dialQueueWaitText)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async round(runId, now, work) {
      const context = await interpreter.context(runId);
      return store.db.transaction().execute(async (tx) => {
        if (!(await tryLockRun(tx, store.dialect, runId))) return 0;
        const writes = new BatchWrites();
        const round = new Round(interpreter, tx, context, interpreter.environment(context, writes, now));
        const done = await work(round);
        await writes.flush(tx, store.writeRows);
        return done;
      });
    },
  };
}

/** A contact at a step with the cursor behind it, which only the engine's side sees. */
interface Held extends StepContact {
  readonly cursor: CursorState;
}

class Round implements DialerRound {
  constructor(
    private readonly interpreter: Interpreter,
    readonly db: Executor,
    readonly context: RunContext,
    private readonly env: StepEnvironment,
  ) {}

  private get runId(): string {
    return this.context.run.id;
  }

  async claimQueued(nodeId: string, limit: number): Promise<StepContact[]> {
    const waiting = await claimLocked(
      this.db
        .selectFrom('cursors')
        .select('contact_id')
        .where('run_id', '=', this.runId)
        .where('node_id', '=', nodeId)
        .where('wait_event', '=', dialQueueWaitText)
        .orderBy('contact_id')
        .limit(limit),
      this.interpreter.store.dialect,
    ).execute();
    if (!waiting.length) return [];
    const ids = waiting.map((w) => w.contact_id);
    const cursors = await loadCursors(this.db, this.runId, ids);
    const contacts = await loadContacts(this.db, ids);
    return ids.flatMap((id) => {
      const cursor = cursors.get(id);
      return cursor ? [held(cursor, contacts.get(id))] : [];
    });
  }

  async held(contactId: string): Promise<StepContact | undefined> {
    const cursor = (await loadCursors(this.db, this.runId, [contactId])).get(contactId);
    const contact = (await loadContacts(this.db, [contactId])).get(contactId);
    if (!cursor || cursor.status === 'done') return undefined;
    return held(cursor, contact);
  }

  async callsUnderWay(nodeId: string): Promise<number> {
    const row = await this.db
      .selectFrom('cursors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', this.runId)
      .where('node_id', '=', nodeId)
      .where('wait_event', '=', onCallWaitText)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async lastCheck(contacts: StepContact[], now: number, options: { agentGuaranteed: boolean; mode: string }): Promise<DialGate> {
    const views = contacts.flatMap((c) => (c.contact ? [c.contact] : []));
    const check = await prepareLastCheck(this.db, this.context, views, now);
    return (stepContact, at) => {
      const { cursor, contact } = stepContact as Held;
      // A contact deleted since it entered the step has nothing to check; its call fails on the number.
      if (!contact) return true;
      const refusal = check(contact, 'voice', at, { agentGuaranteed: options.agentGuaranteed, outsideHours: 'defer' });
      if (!refusal) return true;
      const env = { ...this.env, now: at };
      if (refusal.action === 'defer' && refusal.until !== undefined) {
        recordEvent(env, cursor, 'compliance.deferred', {
          reason: refusal.reason,
          rule: refusal.rule,
          check: refusal.check,
          nextAllowedAt: new Date(refusal.until).toISOString(),
        });
        // Run the step again at that moment: its handler puts the contact back in the queue.
        cursor.status = 'ready';
        cursor.attempt++;
        cursor.dueAt = refusal.until;
        cursor.waitEvent = null;
        this.env.writes.cursor(cursor);
        return false;
      }
      recordEvent(env, cursor, 'compliance.refused', { channel: 'voice', check: refusal.check, rule: refusal.rule, reason: refusal.reason });
      exit(env, cursor, 'failed', { disposition: 'compliance-blocked', mode: options.mode, rule: refusal.rule, error: `Not called: ${refusal.reason}` });
      return false;
    };
  }

  startCall(contact: StepContact): void {
    const { cursor } = contact as Held;
    cursor.waitEvent = { ...onCallWait };
    this.env.writes.cursor(cursor);
  }

  record(contact: StepContact, type: 'call.placed', data: Record<string, unknown>, at: number): void {
    recordEvent({ ...this.env, now: at }, (contact as Held).cursor, type, data);
  }

  sent(contact: StepContact, nodeId: string, payload: Record<string, unknown>, at: number): void {
    this.env.writes.outbox.push({
      idempotency_key: contact.key,
      run_id: this.runId,
      contact_id: contact.contactId,
      node_id: nodeId,
      channel: 'voice',
      payload: JSON.stringify(payload),
      status: 'sent',
      attempts: 1,
      next_attempt_at: at,
      created_at: at,
      sent_at: at,
      error: null,
    });
  }

  callEvents(contactId: string, nodeId: string, events: FollowUp[], exitInfo?: CallExit): void {
    const ended = events.findIndex((f) => f.type === 'call.ended');
    const exitAt = ended >= 0 ? ended : events.length - 1;
    events.forEach((f, i) => {
      const last = exitInfo && i === exitAt;
      this.env.writes.inbox.push({
        run_id: this.runId,
        contact_id: contactId,
        type: f.type,
        due_at: f.at,
        data: JSON.stringify({ nodeId, ...f.data, ...(last && { exit: exitInfo }) }),
      });
    });
  }

  render(template: string, contact: StepContact & { contact: NonNullable<StepContact['contact']> }): string {
    return this.interpreter.render(template, templateScope(contact.contact, (contact as Held).cursor.results));
  }
}

function held(cursor: CursorState, contact: StepContact['contact']): Held {
  return { contactId: cursor.contactId, visit: cursor.visit, key: idempotencyKey(cursor), contact, cursor };
}
