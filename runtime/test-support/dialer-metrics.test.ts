import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/dialect.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { dialerMetrics } from './dialer-metrics.ts';
import type { EventType } from '../../schemas/events.ts';

type E = [contact: string, type: EventType, time: number, data?: Record<string, unknown>];

// Five calls, worked out by hand:
// A: answered at 10 s, greeting 10-11 s, reaches agent a1 at 12 s; talks 60 s; wrap-up ends at 87 s.
// B: answered at 8 s, greeting ends at 9.5 s, no agent: dropped at 11.5 s (US deadline), message until 19.5 s.
// C: rings out at 26 s.
// D: answered at 20 s, greeting ends at 21 s, reaches agent a2 at 23.5 s: 2.5 s after the greeting's end (abandoned
//    under both definitions though connected); talks 30 s, wraps up until 63.5 s.
// E: a machine, hung up on after the detector's verdict.
const events: E[] = [
  ['A', 'call.placed', 0],
  ['A', 'call.answered', 10_000],
  ['A', 'call.customerGreetingStart', 10_000],
  ['A', 'call.customerGreetingStop', 11_000],
  ['A', 'call.amd', 11_800, { verdict: 'human' }],
  ['A', 'call.connectedToAgent', 12_000, { agentId: 'a1' }],
  ['A', 'call.ended', 72_000, { port: 'connected', disposition: 'sale', billableSeconds: 62, agentId: 'a1' }],
  ['A', 'call.dispositioned', 87_000, { agentId: 'a1', disposition: 'sale' }],
  ['B', 'call.placed', 0],
  ['B', 'call.answered', 8000],
  ['B', 'call.customerGreetingStart', 8000],
  ['B', 'call.customerGreetingStop', 9500],
  ['B', 'call.amd', 10_300, { verdict: 'human' }],
  ['B', 'call.abandoned', 11_500, { reason: 'no-agent' }],
  ['B', 'call.ended', 19_500, { port: 'abandoned', disposition: 'abandoned', billableSeconds: 12 }],
  ['C', 'call.placed', 1000],
  ['C', 'call.ended', 26_000, { port: 'no-answer', disposition: 'no-answer', billableSeconds: 0 }],
  ['D', 'call.placed', 2000],
  ['D', 'call.answered', 20_000],
  ['D', 'call.customerGreetingStart', 20_000],
  ['D', 'call.customerGreetingStop', 21_000],
  ['D', 'call.amd', 21_800, { verdict: 'human' }],
  ['D', 'call.connectedToAgent', 23_500, { agentId: 'a2' }],
  ['D', 'call.ended', 53_500, { port: 'connected', disposition: 'no-sale', billableSeconds: 34, agentId: 'a2' }],
  ['D', 'call.dispositioned', 63_500, { agentId: 'a2', disposition: 'no-sale' }],
  ['E', 'call.placed', 3000],
  ['E', 'call.answered', 15_000],
  ['E', 'call.customerGreetingStart', 15_000],
  ['E', 'call.amd', 17_000, { verdict: 'machine' }],
  ['E', 'call.ended', 17_250, { port: 'machine', disposition: 'machine-hangup', billableSeconds: 3 }],
];

describe.each(testDialects)('dialerMetrics on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(dialect);
    const rows = events.map(([contact, type, time, data]) => ({
      run_id: 'r1',
      contact_id: contact,
      type,
      time,
      node_id: 'call',
      port: null,
      data: JSON.stringify(data ?? {}),
    }));
    // Another step's call, which a metric for the step 'call' must leave out.
    rows.push({ run_id: 'r1', contact_id: 'A', type: 'call.placed', time: 0, node_id: 'other', port: null, data: '{}' });
    await store.db.insertInto('events').values(rows).execute();
  });
  afterAll(() => store.close());

  it('counts calls, answers, abandonment by each definition, agent time and cost from the events alone', async () => {
    const m = await dialerMetrics(store.db, 'r1', 'call', { costPerMinute: 0.012, profile: 'US' });
    expect(m).toMatchObject({ placed: 5, liveAnswers: 3, machines: 1, noAnswers: 1, failed: 0, connected: 2, agents: 2 });
    expect(m.abandoned).toEqual({ us: 2, uk: 2, dropped: 1, amdHangUps: 0 });
    expect(m.abandonRate).toBeCloseTo(2 / 3, 10);
    // Two agents from the first call placed (0 s) to the last wrap-up (87 s).
    expect(m.agentHours).toBeCloseTo((2 * 87) / 3600, 10);
    // Busy: a1 12-87 s, a2 23.5-63.5 s = 115 s of 174 s.
    expect(m.occupancy).toBeCloseTo(115 / 174, 10);
    // Talk: 60 s + 30 s = 1.5 minutes over 174 agent seconds.
    expect(m.talkMinutesPerAgentHour).toBeCloseTo(1.5 / (174 / 3600), 10);
    expect(m.timeToConnectSeconds).toBeCloseTo(2.75, 10);
    expect(m.handleTimeSeconds).toBeCloseTo(57.5, 10);
    expect(m.dialRatio).toBe(2.5);
    expect(m.callMinutes).toBeCloseTo(111 / 60, 10);
    expect(m.cost).toBeCloseTo((111 / 60) * 0.012, 10);
  });

  it('measures A against the UK clock, which starts at the greeting: connected exactly 2 s after, it was not abandoned', async () => {
    const m = await dialerMetrics(store.db, 'r1', 'call', { costPerMinute: 0, profile: 'UK' });
    expect(m.liveAnswers).toBe(3);
    expect(m.window).toMatchObject({ profile: 'UK', liveAnswers: 3, abandoned: 2 });
  });

  it('leaves answers older than the legal window out of the rate', async () => {
    const m = await dialerMetrics(store.db, 'r1', 'call', { costPerMinute: 0, profile: 'UK', at: 86_400_000 + 15_000 });
    // The UK window is 24 hours: only D (answered at 20 s) and E are left; D was abandoned.
    expect(m.window).toMatchObject({ liveAnswers: 1, abandoned: 1 });
    expect(m.abandonRate).toBe(1);
  });
});
