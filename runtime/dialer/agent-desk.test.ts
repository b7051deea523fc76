import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../channels/simulated.ts';
import { VirtualClock } from '../clock.ts';
import { importContactsCsv } from '../contacts/import-csv.ts';
import { Interpreter } from '../engine/interpreter.ts';
import { startRun } from '../engine/runs.ts';
import type { Store } from '../store/dialect.ts';
import { ensureContactList, publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { AgentStateError, currentCall, endCall, finishWrapUp, goAvailable, goOffline, startCall } from './agent-desk.ts';
import { PacedDialer } from './paced-dialer.ts';

const t0 = Date.parse('2026-01-05T15:00:00Z');

function journey(mode: 'progressive' | 'preview') {
  return {
    schemaVersion: 1,
    id: `desk-${mode}`,
    name: 'Desk test',
    settings: { timezone: 'America/New_York', compliance: 'US' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      // Only do-not-contact lists: the test is about the call, not about allowed hours or consent.
      gate: {
        type: 'compliance-gate',
        position: { x: 100, y: 100 },
        config: { channel: 'voice', checks: ['dnc'] },
        next: { allowed: 'call', blocked: 'done' },
      },
      call: {
        type: 'dialer',
        position: { x: 200, y: 0 },
        // Without a detector every answer goes to the agent at once, so the test meets a live call early.
        config: {
          mode,
          queue: 'team',
          script: 'Hi {{ contact.firstName }}, this is {{ agent.name }}.',
          callerId: '+12025550199',
          ringSeconds: 25,
          amd: { enabled: false, onMachine: 'hangup' },
        },
        next: { connected: 'after', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
      },
      after: {
        type: 'branch',
        position: { x: 400, y: 0 },
        config: { rules: [{ port: 'paid', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'paid' }] }] },
        next: { paid: 'won', else: 'done' },
      },
      won: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'won' } },
      done: { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'done' } },
    },
  };
}

async function liveRun(store: Store, mode: 'progressive' | 'preview', people = 12) {
  const doc = journey(mode);
  const clock = new VirtualClock(t0);
  const published = await publishJourney(store.db, doc, { author: 't', message: 't', now: t0 });
  await ensureContactList(store.db, 'people', 'people', t0);
  const rows = ['external_id,first_name,phone,timezone,consent_voice'];
  for (let i = 0; i < people; i++) rows.push(`C${i},Cus${i},+1202555${String(2000 + i)},America/New_York,yes`);
  await importContactsCsv(store.db, Readable.from([rows.join('\n')]), { listId: 'people', now: t0 });
  const run = await startRun(store, {
    id: `live-${mode}`,
    journeyId: doc.id,
    version: published.version,
    listId: 'people',
    now: t0,
    simulated: false,
    seed: 9,
    options: {},
  });
  const db = store.db;
  const interpreter = new Interpreter({
    store,
    clock,
    providers: { sms: new SimulatedSms(db, 9), email: new SimulatedEmail(db, 9), webhook: new SimulatedWebhook(db), voice: new SimulatedWebhook(db) },
    dialer: new PacedDialer(),
  });
  /** Rounds until nothing is due, then the clock jumps to the next due moment, up to `until`. */
  const runUntil = async (until: number) => {
    for (let i = 0; i < 5000; i++) {
      if ((await interpreter.tick()) > 0) continue;
      const next = await interpreter.nextDueAt();
      if (next === undefined || next > until) return;
      clock.advanceTo(next);
    }
  };
  /** Rounds until nothing is due; then, until `holds` says yes, the clock jumps to the next due moment and again. */
  const runUntilHolds = (what: string, holds: () => Promise<boolean>) =>
    vi.waitFor(
      async () => {
        while ((await interpreter.tick()) > 0);
        if (await holds()) return;
        const next = await interpreter.nextDueAt();
        if (next === undefined) throw new Error(`Nothing left to run, and still not ${what}`);
        clock.advanceTo(next);
        throw new Error(`Not ${what} yet`);
      },
      { timeout: 20_000, interval: 1 },
    );
  return { run, clock, runUntil, runUntilHolds };
}

describe.each(testDialects)('the agent desk on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(dialect);
  });
  afterEach(() => store.close());

  it('routes calls to the longest-idle person, shows the script, and branches on the disposition they give', { timeout: 60_000 }, async () => {
    const { run, clock, runUntil, runUntilHolds } = await liveRun(store, 'progressive');
    const db = store.db;
    await goAvailable(db, { id: 'ann', name: 'Ann' }, ['team'], t0 - 60_000);
    await goAvailable(db, { id: 'bob', name: 'Bob' }, ['team'], t0 - 30_000);
    await goAvailable(db, { id: 'cat', name: 'Cat' }, ['other'], t0 - 90_000);
    await runUntil(t0 + 1);
    // One call each for Ann and Bob (longest idle first); Cat is in another queue.
    const placed = await db.selectFrom('events').select('data').where('run_id', '=', run.id).where('type', '=', 'call.placed').execute();
    expect(placed.map((p) => JSON.parse(p.data).agentId)).toEqual(['ann', 'bob']);
    expect((await currentCall(db, 'cat')).agent.state).toBe('available');
    await expect(goOffline(db, 'ann', clock.now())).rejects.toThrow(AgentStateError);

    const onCall = async () => (await db.selectFrom('agents').select('id').where('state', '=', 'on-call').execute()).length > 0;
    await runUntilHolds('an agent on a call', onCall);
    const who = (await db.selectFrom('agents').select('id').where('state', '=', 'on-call').executeTakeFirstOrThrow()).id;
    const view = await currentCall(db, who);
    expect(view.agent.state).toBe('on-call');
    expect(view.call).toMatchObject({ runId: run.id, nodeId: 'call', journeyName: 'Desk test', phase: 'talking' });
    expect(view.call!.script).toBe(`Hi ${view.call!.contact.firstName}, this is ${who === 'ann' ? 'Ann' : 'Bob'}.`);
    expect(view.dispositions).toEqual(['paid', 'answering-machine']);
    await expect(finishWrapUp(db, who, clock.now())).rejects.toThrow(AgentStateError);

    clock.advanceTo(clock.now() + 45_000);
    const ended = await endCall(db, who, 'paid', clock.now(), 'Paid by card');
    expect(ended.agent.state).toBe('wrap-up');
    await runUntil(clock.now());
    const contactId = view.call!.contact.id;
    const outcome = await db
      .selectFrom('events')
      .select('data')
      .where('run_id', '=', run.id)
      .where('contact_id', '=', contactId)
      .where('type', '=', 'contact.completed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(outcome.data).outcome).toBe('won');
    const callEnded = await db
      .selectFrom('events')
      .select('data')
      .where('contact_id', '=', contactId)
      .where('type', '=', 'call.ended')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(callEnded.data)).toMatchObject({ port: 'connected', disposition: 'paid', agentId: who, durationMs: 45_000, notes: 'Paid by card' });

    clock.advanceTo(clock.now() + 10_000);
    const done = await finishWrapUp(db, who, clock.now());
    expect(done).toMatchObject({ agent: { state: 'available' }, call: null });
    const row = await db.selectFrom('agents').selectAll().where('id', '=', who).executeTakeFirstOrThrow();
    expect([row.handled, Number(row.last_talk_ms), Number(row.last_wrap_ms)]).toEqual([1, 45_000, 10_000]);
  });

  it('holds a preview until the person starts the call, and lets an idle person go offline', { timeout: 60_000 }, async () => {
    const { run, clock, runUntil } = await liveRun(store, 'preview', 3);
    const db = store.db;
    await goAvailable(db, { id: 'dee', name: 'Dee' }, ['team'], t0);
    await runUntil(t0 + 120_000);
    const preview = await currentCall(db, 'dee');
    expect(preview.call).toMatchObject({ phase: 'preview', connectedAt: null });
    expect(await db.selectFrom('events').select('seq').where('run_id', '=', run.id).where('type', '=', 'call.placed').execute()).toHaveLength(0);
    clock.advanceTo(t0 + 130_000);
    await startCall(db, 'dee', clock.now());
    await expect(startCall(db, 'dee', clock.now())).rejects.toThrow(AgentStateError);
    await runUntil(clock.now());
    const placed = await db.selectFrom('events').select(['time', 'data']).where('run_id', '=', run.id).where('type', '=', 'call.placed').execute();
    expect(placed).toHaveLength(1);
    expect(Number(placed[0]!.time)).toBe(t0 + 130_000);
    expect(JSON.parse(placed[0]!.data).agentId).toBe('dee');

    await goAvailable(db, { id: 'eve', name: 'Eve' }, ['elsewhere'], clock.now());
    expect((await goOffline(db, 'eve', clock.now())).agent.state).toBe('offline');
  });
});
