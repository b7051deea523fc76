import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../channels/simulated.ts';
import { VirtualClock } from '../clock.ts';
import { importContactsCsv } from '../contacts/import-csv.ts';
import { Interpreter } from '../engine/interpreter.ts';
import { startRun } from '../engine/runs.ts';
import type { Store } from '../store/dialect.ts';
import { carrierCallsUnderWay, recordCallProgress, type ReportedMoment } from '../store/repositories/carrier-calls.ts';
import { ensureContactList, publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { endCall, finishWrapUp, goAvailable, goOffline } from './agent-desk.ts';
import type { CallProgress, CallRequest, CarrierAnswer, CarrierSend, ForeknowingCarrier, ReportingCarrier } from './carrier.ts';
import { PacedDialer } from './paced-dialer.ts';

const t0 = Date.parse('2026-01-05T15:00:00Z');

/** A carrier that answers from a script and keeps what it was sent; its progress is reported by the test. */
class ScriptedCarrier implements ReportingCarrier {
  readonly reports = 'later';
  readonly name = 'scripted';
  readonly amdFalsePositiveShare = 0.02;
  readonly sent: CarrierSend[] = [];
  /** Answers to give, in order, per number called (placing) or call key (the rest) and kind; `done` once they run out. */
  readonly script = new Map<string, CarrierAnswer[]>();
  private placed = 0;

  constructor(readonly maxConcurrentCalls?: number) {}

  async send(request: CarrierSend): Promise<CarrierAnswer> {
    this.sent.push(request);
    const who = request.command.kind === 'place' ? request.command.call.to : request.key;
    const scripted = this.script.get(`${who}:${request.command.kind}`)?.shift();
    if (scripted) return scripted;
    return request.command.kind === 'place' ? { status: 'done', providerCallId: `CA${++this.placed}` } : { status: 'done' };
  }

  kinds(kind: string): string[] {
    return this.sent.filter((s) => s.command.kind === kind).map((s) => s.key);
  }
}

/** What happens to a call, as offsets from its placing: the same script for both kinds of carrier. */
function scripted(fate: 'human' | 'machine' | 'busy' | 'invalid', placedAt: number): CallProgress[] {
  if (fate === 'busy') return [{ type: 'ended', at: placedAt + 2000, reason: 'busy' }];
  if (fate === 'invalid') return [{ type: 'ended', at: placedAt + 1000, reason: 'invalid' }];
  const verdictAt = placedAt + (fate === 'human' ? 4000 : 5000);
  return [
    { type: 'ringing', at: placedAt + 1000 },
    { type: 'answered', at: placedAt + 3000, by: fate },
    { type: 'greeting', at: placedAt + 3000, endsAt: verdictAt },
    { type: 'amd', at: verdictAt, verdict: fate, decisionMs: verdictAt - placedAt - 3000 },
  ];
}

/** The virtual carrier's way with the same script: the whole progress at once. */
class ForeknowingScript implements ForeknowingCarrier {
  readonly reports = 'at-once';
  readonly amdFalsePositiveShare = 0.02;
  constructor(private readonly fates: Map<string, 'human' | 'machine' | 'busy' | 'invalid'>) {}
  place(request: CallRequest): CallProgress[] {
    return scripted(this.fates.get(request.to!)!, request.placedAt);
  }
  cancel(): void {}
  playMessage(): void {}
  bridge(): void {}
}

function journey(mode: 'agentless' | 'progressive' | 'predictive') {
  return {
    schemaVersion: 1,
    id: `reported-${mode}`,
    name: 'Reported calls',
    settings: { timezone: 'America/New_York', compliance: 'US' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      gate: { type: 'compliance-gate', position: { x: 100, y: 0 }, config: { channel: 'voice', checks: ['dnc'] }, next: { allowed: 'call', blocked: 'done' } },
      call: {
        type: 'dialer',
        position: { x: 200, y: 0 },
        config: {
          mode,
          ...(mode !== 'agentless' ? { queue: 'team' } : { message: 'Your payment is due, {{ contact.firstName }}.' }),
          callerId: '+12025550199',
          ringSeconds: 20,
          amd: { enabled: mode !== 'agentless', onMachine: 'hangup', toFreeAgent: false },
        },
        next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
      },
      done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'done' } },
    },
  };
}

async function liveRun(store: Store, mode: 'agentless' | 'progressive' | 'predictive', carrier: ScriptedCarrier | ForeknowingScript, people: number) {
  const doc = journey(mode);
  const clock = new VirtualClock(t0);
  const published = await publishJourney(store.db, doc, { author: 't', message: 't', now: t0 });
  await ensureContactList(store.db, 'people', 'people', t0);
  const rows = ['external_id,first_name,phone,timezone,consent_voice'];
  for (let i = 0; i < people; i++) rows.push(`C${i},Cus${i},+1202555${String(3000 + i)},America/New_York,yes`);
  await importContactsCsv(store.db, Readable.from([rows.join('\n')]), { listId: 'people', now: t0 });
  const run = await startRun(store, {
    id: `run-${mode}`,
    journeyId: doc.id,
    version: published.version,
    listId: 'people',
    now: t0,
    simulated: false,
    seed: 3,
    options: {},
  });
  const db = store.db;
  const interpreter = new Interpreter({
    store,
    clock,
    providers: { sms: new SimulatedSms(db, 3), email: new SimulatedEmail(db, 3), webhook: new SimulatedWebhook(db), voice: new SimulatedWebhook(db) },
    dialer: new PacedDialer({ carrier, line: { backoffMs: 1000 } }),
  });
  /** Rounds until nothing is left to do now. */
  const settle = async () => {
    for (let i = 0; i < 100 && (await interpreter.tick()) > 0; i++);
  };
  const keyOf = async (phone: string) => {
    const placed = await db.selectFrom('events').select('data').where('run_id', '=', run.id).where('type', '=', 'call.placed').execute();
    const found = placed.map((p) => JSON.parse(p.data)).find((d) => d.to === phone);
    if (!found) throw new Error(`No call placed to ${phone}`);
    return found.key as string;
  };
  const report = async (phone: string, moment: ReportedMoment) => recordCallProgress(db, await keyOf(phone), moment, clock.now());
  const ended = async (): Promise<Record<string, { port: string; disposition: string; code?: string }>> => {
    const rows = await db.selectFrom('events').select(['contact_id', 'data']).where('run_id', '=', run.id).where('type', '=', 'call.ended').execute();
    return Object.fromEntries(rows.map((r) => [r.contact_id, JSON.parse(r.data)]));
  };
  return { run, clock, settle, report, ended, keyOf };
}

describe.each(testDialects)('a carrier whose progress comes later, on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(dialect);
  });
  afterEach(() => store.close());

  it('places under its concurrency limit, hears repeated and out-of-order reports once and in order', { timeout: 60_000 }, async () => {
    const carrier = new ScriptedCarrier(2);
    const { run, clock, settle, report, ended, keyOf } = await liveRun(store, 'agentless', carrier, 4);
    const db = store.db;
    await settle();
    // Two calls at most under way: the other two contacts wait in the queue.
    expect(carrier.kinds('place')).toHaveLength(2);
    expect(await carrierCallsUnderWay(db, 'scripted')).toBe(2);
    const [first, second] = carrier.sent.map((s) => (s.command.kind === 'place' ? s.command.call.to : ''));
    expect(carrier.sent[0]!.command).toMatchObject({ kind: 'place', call: { ringSeconds: 20, minRingSeconds: 15, amd: false } });

    clock.advanceTo(t0 + 3000);
    // The busy line is reported twice; the answer before the ringing that preceded it.
    expect(await report(first!, { type: 'ended', at: t0 + 2000, reason: 'busy' })).toBe(true);
    expect(await report(first!, { type: 'ended', at: t0 + 2500, reason: 'busy' })).toBe(false);
    await report(second!, { type: 'answered', at: t0 + 2800, by: 'human' });
    await report(second!, { type: 'ringing', at: t0 + 2900 });
    clock.advanceTo(t0 + 8000);
    await settle();
    const events = await db
      .selectFrom('events')
      .select(['type', 'time'])
      .where('run_id', '=', run.id)
      .where('type', 'in', ['call.ringing', 'call.answered'])
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['call.ringing', 'call.answered']);
    // Put in order: a moment never goes before the one it follows.
    expect(Number(events[1]!.time)).toBeGreaterThanOrEqual(Number(events[0]!.time));
    const byContact = await ended();
    expect(Object.values(byContact).map((d) => [d.port, d.disposition])).toEqual(
      expect.arrayContaining([
        ['no-answer', 'busy'],
        ['connected', 'message-played'],
      ]),
    );
    // The answered call hears the step's message, rendered for its contact.
    const message = carrier.sent.find((s) => s.command.kind === 'message');
    expect(message).toMatchObject({ key: await keyOf(second!), command: { message: expect.stringMatching(/^Your payment is due, Cus\d\.$/) } });
    // The busy line is over, the answered one is still on: one more call goes out, not two.
    expect(carrier.kinds('place')).toHaveLength(3);

    clock.advanceTo(t0 + 20_000);
    await report(second!, { type: 'hangup', at: t0 + 19_000 });
    await settle();
    expect(carrier.kinds('place')).toHaveLength(4);
    expect(new Set(carrier.kinds('place')).size).toBe(4);
  });

  it('retries a placing the carrier did not take, and a refused one ends the call with the carrier’s code', { timeout: 60_000 }, async () => {
    const carrier = new ScriptedCarrier();
    carrier.script.set('+12025553000:place', [{ status: 'retry', reason: 'Twilio answered 429' }]);
    carrier.script.set('+12025553001:place', [{ status: 'refused', reason: 'Invalid number', ended: { reason: 'invalid', code: '21211' } }]);
    const { clock, settle, ended, keyOf } = await liveRun(store, 'agentless', carrier, 2);
    const db = store.db;
    await settle();
    const [a, b] = [await keyOf('+12025553000'), await keyOf('+12025553001')];
    expect(carrier.kinds('place').sort()).toEqual([a, b].sort());
    const refused = Object.values(await ended());
    expect(refused).toEqual([expect.objectContaining({ port: 'failed', disposition: 'invalid-number', code: '21211' })]);

    // Not taken: sent again once the backoff has passed, and placed once.
    clock.advanceTo(t0 + 999);
    await settle();
    expect(carrier.kinds('place')).toHaveLength(2);
    clock.advanceTo(t0 + 1000);
    await settle();
    expect(carrier.kinds('place').filter((k) => k === a)).toHaveLength(2);
    const request = await db.selectFrom('carrier_requests').selectAll().where('call_key', '=', a).where('kind', '=', 'place').executeTakeFirstOrThrow();
    expect([request.status, request.attempts]).toEqual(['done', 2]);
    const call = await db.selectFrom('carrier_calls').selectAll().where('call_key', '=', a).executeTakeFirstOrThrow();
    expect(call.provider_call_id).toMatch(/^CA\d+$/);
  });

  it('gives the same outcomes and abandonment figure as the virtual carrier’s way with the same script', { timeout: 120_000 }, async () => {
    const play = async (kind: 'reported' | 'at-once') => {
      const store = await freshStore(dialect);
      try {
        const contacts = ['human', 'human', 'machine', 'busy', 'invalid'] as const;
        const fates = new Map(contacts.map((fate, i) => [`+1202555${String(3000 + i)}`, fate]));
        const reporting = new ScriptedCarrier();
        const carrier = kind === 'reported' ? reporting : new ForeknowingScript(fates);
        const { run, clock, settle } = await liveRun(store, 'predictive', carrier, contacts.length);
        const db = store.db;
        await goAvailable(db, { id: 'ann', name: 'Ann' }, ['team'], t0 - 60_000);
        await goAvailable(db, { id: 'bob', name: 'Bob' }, ['team'], t0 - 30_000);
        const reported = new Set<string>();
        for (let at = t0; at <= t0 + 60_000; at += 100) {
          clock.advanceTo(at);
          await settle();
          // The provider's reports of each new call, all of its moments at their own times, as its callbacks will say.
          for (const sent of reporting.sent) {
            if (sent.command.kind !== 'place' || reported.has(sent.key)) continue;
            reported.add(sent.key);
            for (const moment of scripted(fates.get(sent.command.call.to!)!, sent.command.call.placedAt)) {
              if (moment.type !== 'greeting')
                await recordCallProgress(db, sent.key, moment.type === 'amd' ? { ...moment, greetingEndsAt: moment.at } : moment, at);
            }
          }
          if (at === t0 + 100) await goOffline(db, 'bob', at);
          if (at === t0 + 20_000) {
            await endCall(db, 'ann', 'paid', at);
            await finishWrapUp(db, 'ann', at);
          }
        }
        const outcomes = await db
          .selectFrom('events')
          .select(['contact_id', 'data'])
          .where('run_id', '=', run.id)
          .where('type', '=', 'call.ended')
          .orderBy('contact_id')
          .execute();
        const gauges = await db.selectFrom('dialer_state').select('state').where('run_id', '=', run.id).where('node_id', '=', 'call').executeTakeFirstOrThrow();
        return {
          outcomes: outcomes.map((o) => JSON.parse(o.data).disposition as string),
          abandon: JSON.parse(gauges.state).abandon as { rate: number; liveAnswers: number; abandoned: number },
        };
      } finally {
        await store.close();
      }
    };
    const reported = await play('reported');
    const atOnce = await play('at-once');
    expect(reported.outcomes).toHaveLength(5);
    expect(reported.abandon).toMatchObject({ liveAnswers: 2, abandoned: 1 });
    expect(reported.abandon.rate).toBe(atOnce.abandon.rate);
    expect(reported.outcomes.sort()).toEqual(atOnce.outcomes.sort());
  });
});
