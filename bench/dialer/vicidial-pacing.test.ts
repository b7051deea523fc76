import { describe, expect, it } from 'vitest';
import type { PacingSnapshot } from '../../runtime/dialer/pacing.ts';
import { VicidialPolicy } from './vicidial-pacing.ts';

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
    // A window of 400 live answers, none abandoned.
    window: { liveAnswers: 400, abandoned: 0, estimatedAmdFalsePositives: 0, rate: 0 },
    ...over,
  };
}

describe('VicidialPolicy', () => {
  it('aims at dial level × (agents talking + ready) calls in progress, counting the calls already out', () => {
    const policy = new VicidialPolicy({ startLevel: 2 });
    // 4 ready, 6 talking: goal round(2 × 10) = 20; 6 talking + 5 ringing + 1 waiting are out: 8 more.
    const s = snapshot({
      freeAgents: 4,
      talkingCount: 6,
      talkingElapsedMs: new Array(6).fill(1000),
      ringingCount: 5,
      ringingAgesMs: new Array(5).fill(1000),
      waitingLive: 1,
    });
    expect(policy.decide(s)).toBe(8);
  });

  it('raises the level by the ready-minus-waiting differential over agents, and halves it when drops pass the limit today', () => {
    const policy = new VicidialPolicy();
    // 15 one-second samples with 5 ready agents of 10 and no waiting calls: level 1 × (1 + 5/10) = 1.5 at 15 s.
    for (let t = 0; t <= 15_000; t += 1000) policy.decide(snapshot({ now: t, freeAgents: 5, talkingCount: 5, talkingElapsedMs: new Array(5).fill(1000) }));
    expect(policy.dialLevel).toBe(1.5);
    // 60 answers and 3 drops today: 5 % of answers, over the 3 % limit, with over 50 calls placed: at 30 s the
    // differential takes the level to 1.5 × 1.5 = 2.25, which the drop rule halves to 1.125.
    for (let i = 0; i < 60; i++) policy.observe({ placedAt: 0, liveAt: 1, connectedAt: 2, abandoned: false, humanAnswered: true });
    for (let i = 0; i < 3; i++) policy.observe({ placedAt: 0, liveAt: 1, droppedAt: 2, abandoned: true, humanAnswered: true });
    for (let t = 16_000; t <= 30_000; t += 1000) policy.decide(snapshot({ now: t, freeAgents: 5, talkingCount: 5, talkingElapsedMs: new Array(5).fill(1000) }));
    expect(policy.dialLevel).toBe(1.125);
  });

  it('drops a live call 2 s after it reaches the queue, whatever the greeting', () => {
    expect(new VicidialPolicy().holdUntil({ liveAt: 5000 })).toBe(7000);
  });
});
