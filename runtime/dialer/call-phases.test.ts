import { describe, expect, it } from 'vitest';
import { actAt, foretell, hear, moments, queue, type PhaseRules, type RingingCall } from './call-phases.ts';
import { progressiveCallTimeline, switchMs } from './call-timeline.ts';
import { planOf, type CallProgress } from './carrier.ts';
import { VirtualCarrier } from './virtual-carrier.ts';

const placedAt = 1_700_000_000_000;
const ringing: RingingCall = { contactId: 'c1', visit: 1, key: 'run:c1:call:1', phase: 'ringing', placedAt, agentId: 'ann' };
const rules = (amd: boolean): PhaseRules => ({ amd, deadline: (g) => g.greetingStopAt + 2000 });
const answer: CallProgress[] = [
  { type: 'answered', at: placedAt + 9000, by: 'human' },
  { type: 'greeting', at: placedAt + 9000, endsAt: placedAt + 10_200 },
];

describe('the phases of a tracked call', () => {
  it('moves an answer to detecting while the detector listens, then to answered on a human verdict', () => {
    const detecting = hear(ringing, answer, rules(true));
    expect(detecting).toEqual({
      ...ringing,
      phase: 'detecting',
      answeredAt: placedAt + 9000,
      greetingStartAt: placedAt + 9000,
      greetingStopAt: placedAt + 10_200,
      truth: 'human',
    });
    if (detecting.phase !== 'detecting') throw new Error('not detecting');
    const live = hear(detecting, [{ type: 'amd', at: placedAt + 11_000, verdict: 'human', decisionMs: 2000 }], rules(true));
    expect(live).toMatchObject({ phase: 'answered', liveAt: placedAt + 11_000 + switchMs, deadline: placedAt + 12_200, agentId: 'ann' });
    expect(live).not.toHaveProperty('queuedAt');
    if (live.phase !== 'answered') throw new Error('not answered');
    expect(queue(queue(live, placedAt + 11_500), placedAt + 12_000).queuedAt).toBe(placedAt + 11_500);
  });

  it('routes an answer at once without a detector, and releases a machine verdict or an unanswered call', () => {
    expect(hear(ringing, answer, rules(false))).toMatchObject({ phase: 'answered', liveAt: placedAt + 9000 + switchMs, truth: 'human' });
    const detecting = hear(ringing, answer, rules(true));
    if (detecting.phase !== 'detecting') throw new Error('not detecting');
    const machine = hear(detecting, [{ type: 'amd', at: placedAt + 12_000, verdict: 'machine', decisionMs: 3000 }], rules(true));
    // Only what an ended call needs is kept: the greeting and what answered are no longer the dialer's business.
    expect(machine).toEqual({ ...ringing, phase: 'ended', releaseAt: placedAt + 12_000 + switchMs, answeredAt: placedAt + 9000 });
    const unanswered = hear(ringing, [{ type: 'ended', at: placedAt + 30_000, reason: 'no-answer' }], rules(true));
    expect(unanswered).toEqual({ ...ringing, phase: 'ended', releaseAt: placedAt + 30_000 });
  });

  it('refuses progress a call in its phase cannot have', () => {
    expect(() => hear(ringing, [{ type: 'amd', at: placedAt + 1, verdict: 'human', decisionMs: 1 }], rules(true))).toThrow(/verdict while ringing/);
    expect(() => hear(ringing, [{ type: 'answered', at: placedAt + 1, by: 'human' }], rules(true))).toThrow(/greeting/);
    const detecting = hear(ringing, answer, rules(true));
    if (detecting.phase !== 'detecting') throw new Error('not detecting');
    expect(() => hear(detecting, [{ type: 'ended', at: placedAt + 20_000, reason: 'no-answer' }], rules(true))).toThrow(/ended while detecting/);
    expect(() => hear(detecting, answer, rules(true))).toThrow(/answered twice/);
  });

  it('groups progress by moment, up to a moment', () => {
    const progress: CallProgress[] = [
      { type: 'ringing', at: placedAt + 2000 },
      ...answer,
      { type: 'amd', at: placedAt + 11_000, verdict: 'human', decisionMs: 2000 },
    ];
    expect(moments(progress).map((m) => m.map((p) => p.type))).toEqual([['ringing'], ['answered', 'greeting'], ['amd']]);
    expect(moments(progress, placedAt + 9000)).toHaveLength(2);
    expect(foretell(ringing, progress, rules(true), placedAt + 9000).phase).toBe('detecting');
  });

  it("acts on the virtual carrier's calls at the moments the call timeline gives, for every outcome", () => {
    const carrier = new VirtualCarrier();
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      for (const amd of [true, false]) {
        const key = `run:c${i}:call:1`;
        const progress = carrier.place({ key, seed: 3, to: i % 50 === 0 ? null : '+12025550100', callerId: '+12025550199', ringSeconds: 20, amd, placedAt });
        const call: RingingCall = { contactId: `c${i}`, visit: 1, key, phase: 'ringing', placedAt };
        const future = foretell(call, progress, rules(amd));
        if (future.phase !== 'answered' && future.phase !== 'ended') throw new Error(`still ${future.phase}`);
        const timeline = progressiveCallTimeline({
          placedAt,
          plan: planOf(placedAt, progress),
          config: { amd: { enabled: amd, onMachine: 'hangup' } },
          agent: { id: 'a', talkMs: 60_000, wrapMs: 5000, disposition: 'done', machineMs: 4000 },
        });
        seen.add(`${future.phase}:${timeline.port}`);
        // A call that needs no agent frees it when the timeline does; a live answer reaches the agent when it would.
        if (future.phase === 'ended') expect(actAt(future)).toBe(timeline.agentFreeAt);
        else expect(actAt(future)).toBe(timeline.agentConnectedAt);
      }
    }
    expect([...seen].sort()).toEqual(['answered:connected', 'answered:machine', 'ended:abandoned', 'ended:failed', 'ended:machine', 'ended:no-answer']);
  });
});
