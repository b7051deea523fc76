import { describe, expect, it } from 'vitest';
import type { PacingSnapshot } from '../../runtime/dialer/pacing.ts';
import { describeSetting, hourMin, roundHalfEven, VicidialPolicy, type VicidialMethod } from './vicidial-pacing.ts';

function snapshot(over: Partial<PacingSnapshot> = {}): PacingSnapshot {
  return {
    now: 0,
    agentsLoggedIn: 10,
    freeAgents: 0,
    talkingElapsedMs: [],
    talkingCount: 0,
    wrappingElapsedMs: [],
    wrappingCount: 0,
    ringingAgesMs: [],
    ringingCount: 0,
    waitingLive: 0,
    window: { liveAnswers: 400, abandoned: 0, estimatedAmdFalsePositives: 0, rate: 0 },
    ...over,
  };
}

/** Asks the policy once a second from `from` to `to` seconds, as the simulation does; returns the calls placed by second. */
function run(policy: VicidialPolicy, from: number, to: number, over: Partial<PacingSnapshot>): Map<number, number> {
  const placed = new Map<number, number>();
  for (let t = from; t <= to; t++) {
    const n = policy.decide(snapshot({ ...over, now: t * 1000 }));
    if (n) placed.set(t, n);
  }
  return placed;
}

/** 40 human answers reported, 2 of them dropped at 1 s: 5 % of answers. */
function reportDrops(policy: VicidialPolicy): void {
  for (let i = 0; i < 38; i++) policy.observe({ placedAt: 0, liveAt: 1, connectedAt: 2, abandoned: false, humanAnswered: true });
  for (let i = 0; i < 2; i++) policy.observe({ placedAt: 0, liveAt: 1, droppedAt: 1000, abandoned: true, humanAnswered: true });
}

describe('VicidialPolicy', () => {
  it('dials every 2.5 s (on the first second at or after its turn), aiming at round(level × (talking + ready)) calls in progress', () => {
    const policy = new VicidialPolicy({ method: 'RATIO', startLevel: 1.8 });
    // 6 talking, 4 ready: goal sprintf("%.0f", 1.8 × 10) = 18; 6 talking + 5 ringing + 1 waiting are out: 6 more.
    // Turns at 0, 2.5, 5, 7.5, 10 s: the 1-second loop dials at 0, 3, 5, 8, 10.
    const placed = run(policy, 0, 10, { freeAgents: 4, talkingCount: 6, ringingCount: 5, waitingLive: 1 });
    expect([...placed]).toEqual([
      [0, 6],
      [3, 6],
      [5, 6],
      [8, 6],
      [10, 6],
    ]);
    // RATIO never adapts: after a minute of idle agents the level is still 1.8.
    run(policy, 11, 61, { freeAgents: 10 });
    expect(policy.dialLevel).toBe(1.8);
  });

  it('rounds the goal as Perl sprintf("%.0f") does, half to even', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, 14.5].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 14]);
    // Level 1.25 × 10 agents = 12.5: 12 calls, not 13.
    expect(new VicidialPolicy({ method: 'RATIO', startLevel: 1.25 }).decide(snapshot({ freeAgents: 10 }))).toBe(12);
  });

  // One trace for the three adaptive methods: 10 agents logged in, all ready, none waiting, nothing ringing. Every
  // 15 s the level becomes level × (1 + (10 − 0) / 10), capped at 3. Drops are counted from the figures refreshed
  // at 0 s and 60 s: 2 drops of 40 answers (5 %) reported at 1 s are only seen at 60 s.
  //   15 s: 1 × 2 = 2.000     30 s: 2 × 2 = 4 → cap 3     45 s: 3 × 2 → cap 3
  //   60 s: drops refreshed: 3 × 2 → 3, and over 50 calls today with 5 % > 2.25 % dropped:
  //         ADAPT_HARD_LIMIT → 1.0; ADAPT_AVERAGE → 3 / 2 = 1.5;
  //         ADAPT_TAPERED (shift from 09:00, latest 17:00): 1700 − 0901 = 799 left → 3 × 0.799 = 2.397.
  //   Dial decisions: at 15 s (its turn, after the update) goal round(2 × 10) = 20 with nothing out: 20 calls; at
  //   30 s and 45 s, 30; at 60 s 10, 15 and 24 calls.
  const cases: [VicidialMethod, number, number][] = [
    ['ADAPT_HARD_LIMIT', 1, 10],
    ['ADAPT_AVERAGE', 1.5, 15],
    ['ADAPT_TAPERED', 2.397, 24],
  ];
  for (const [method, at60, calls60] of cases) {
    it(`${method}: the 15-second level updates and the 60-second drop figures`, () => {
      const policy = new VicidialPolicy({ method, droppedPercentage: 2.25, maximumLevel: 3, latestServerTime: 1700 });
      const ready = { freeAgents: 10 };
      expect(run(policy, 0, 0, ready).get(0)).toBe(10);
      reportDrops(policy);
      const levels: number[] = [];
      const calls: (number | undefined)[] = [];
      for (const t of [15, 30, 45, 60]) {
        const placed = run(policy, t - 14, t, ready);
        levels.push(policy.dialLevel);
        calls.push(placed.get(t));
      }
      expect(levels.slice(0, 3)).toEqual([2, 3, 3]);
      expect(levels[3]).toBeCloseTo(at60, 12);
      expect(calls).toEqual([20, 30, 30, calls60]);
    });
  }

  it('applies adaptive_intensity and adaptive_dl_diff_target as calculate_dial_level and the dial loop do', () => {
    // 10 agents logged in, 2 ready, 1 call waiting: differential 2 − 1 = 1; with dl_diff_target −1 the target is 0,
    // so the level stays 1.5 (a target of 0 leaves it alone).
    const still = new VicidialPolicy({ method: 'ADAPT_AVERAGE', startLevel: 1.5, dlDiffTarget: -1 });
    run(still, 0, 15, { freeAgents: 2, waitingLive: 1, talkingCount: 7 });
    expect(still.dialLevel).toBe(1.5);
    // Without it, 1 / 10 = +10 %; intensity 20 makes it 10 × 1.2 = 12 %: 1.5 × 1.12 = 1.68.
    const up = new VicidialPolicy({ method: 'ADAPT_AVERAGE', startLevel: 1.5, intensity: 20 });
    run(up, 0, 15, { freeAgents: 2, waitingLive: 1, talkingCount: 7 });
    expect(up.dialLevel).toBe(1.68);
    // 0 ready, 3 waiting: −30 %; intensity 20 makes it −30 × |0.2 − 1| = −24 %: 1.68 × 0.76 = 1.2768 → 1.277.
    run(up, 16, 30, { freeAgents: 0, waitingLive: 3, talkingCount: 9 });
    expect(up.dialLevel).toBe(1.277);
    // The dial loop adds dl_diff_target to the agents: level 2 × (4 ready + 6 talking − 2) = 16; 6 talking out: 10.
    expect(new VicidialPolicy({ method: 'RATIO', startLevel: 2, dlDiffTarget: -2 }).decide(snapshot({ freeAgents: 4, talkingCount: 6 }))).toBe(10);
  });

  it('halves the level when over half of the last minute’s (more than 20) calls dropped', () => {
    const policy = new VicidialPolicy({ method: 'ADAPT_AVERAGE', droppedPercentage: 100, maximumLevel: 3 });
    // 30 agents, all ready. At 0 s 30 calls are already out (none placed); at 3 s none: 30 calls placed; after that
    // 90 calls out keep the goal met. 16 of those 30 calls drop (53 % > 50 %). The level goes 2, 3, 3 at 15, 30 and
    // 45 s; at 60 s the refreshed one-minute figures halve 3 × 2 (capped at 3): 1.5. Today: 16 drops of 76 answers,
    // under the 100 % limit.
    const ready = { agentsLoggedIn: 30, freeAgents: 30 };
    expect(run(policy, 0, 0, { ...ready, ringingCount: 30 }).size).toBe(0);
    expect(run(policy, 1, 3, ready).get(3)).toBe(30);
    for (let i = 0; i < 16; i++) policy.observe({ placedAt: 3000, liveAt: 12_000, droppedAt: 17_000, abandoned: true, humanAnswered: true });
    for (let i = 0; i < 60; i++) policy.observe({ placedAt: 0, liveAt: 1, connectedAt: 2, abandoned: false, humanAnswered: true });
    expect(run(policy, 4, 45, { ...ready, ringingCount: 90 }).size).toBe(0);
    expect(policy.dialLevel).toBe(3);
    run(policy, 46, 60, { ...ready, ringingCount: 90 });
    expect(policy.dialLevel).toBe(1.5);
  });

  it('drops a live call drop_call_seconds after it reaches the queue (5 s by default)', () => {
    expect(new VicidialPolicy().holdUntil({ liveAt: 5000 })).toBe(10_000);
    expect(new VicidialPolicy({ dropCallSeconds: 1 }).holdUntil({ liveAt: 5000 })).toBe(6000);
  });

  it('reads the server clock as HHMM, as ADAPT_TAPERED does', () => {
    expect(hourMin(900, 0)).toBe(900);
    expect(hourMin(900, 61 * 60_000)).toBe(1001);
    expect(hourMin(930, 8 * 3_600_000)).toBe(1730);
  });

  it('describes a setting for the tables', () => {
    expect(describeSetting(new VicidialPolicy({ method: 'RATIO', startLevel: 1.8, dropCallSeconds: 1 }).settings)).toBe('RATIO 1.8, drop timer 1 s, AMD on');
    expect(describeSetting(new VicidialPolicy({ method: 'ADAPT_HARD_LIMIT', droppedPercentage: 2.25, maximumLevel: 1.7, amd: false }).settings)).toBe(
      'ADAPT_HARD_LIMIT, drop 2.25 %, max 1.7, drop timer 5 s, AMD off',
    );
  });
});
