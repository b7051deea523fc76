import { describe, expect, it } from 'vitest';
import { planOf } from './carrier.ts';
import { defaultCarrierProfile, planCall, VirtualCarrier, type CallOutcome, type CallPlan } from './virtual-carrier.ts';

const base = { seed: 7, ringSeconds: 20, amdEnabled: true, profile: defaultCarrierProfile };
const keys = (n: number) => Array.from({ length: n }, (_, i) => `run-1:contact-${i}:call:1`);

describe('planCall', () => {
  it('gives the same plan for the same key and seed, and other plans for other keys or seeds', () => {
    const plan = planCall({ ...base, key: 'run-1:c-1:call:1' });
    expect(planCall({ ...base, key: 'run-1:c-1:call:1' })).toEqual(plan);
    const others = keys(50).map((key) => planCall({ ...base, key }));
    expect(new Set(others.map((p) => JSON.stringify(p))).size).toBe(50);
    const reseeded = keys(50).map((key) => planCall({ ...base, key, seed: 8 }));
    expect(reseeded).not.toEqual(others);
  });

  it('converges to the profile’s outcome mix over 20,000 calls when the ring time is long enough', () => {
    const counts: Record<CallOutcome, number> = { human: 0, machine: 0, 'no-answer': 0, busy: 0, invalid: 0 };
    for (const key of keys(20_000)) counts[planCall({ ...base, key, ringSeconds: 120 }).outcome]++;
    const shares = defaultCarrierProfile.outcomes;
    const expected: Record<CallOutcome, number> = {
      human: shares.human,
      machine: shares.machine,
      'no-answer': shares.noAnswer,
      busy: shares.busy,
      invalid: shares.invalid,
    };
    // Three standard errors of a share near 0.35 over 20,000 draws.
    for (const outcome of Object.keys(counts) as CallOutcome[]) expect(Math.abs(counts[outcome] / 20_000 - expected[outcome])).toBeLessThan(0.01);
  });

  it('never answers after the ring time: a later answer becomes no-answer, abandoned by us at the ring time', () => {
    const profile = { ...defaultCarrierProfile, ringSeconds: { mean: 12, cv: 0.6 } };
    let turned = 0;
    for (const key of keys(20_000)) {
      const plan = planCall({ ...base, key, ringSeconds: 15, profile });
      if (plan.outcome === 'human' || plan.outcome === 'machine') {
        expect(plan.answerMs - plan.ringingMs).toBeLessThanOrEqual(15_000);
        expect(plan.answerMs).toBeGreaterThan(plan.ringingMs);
      }
      if (plan.outcome === 'no-answer') expect(plan.endMs - plan.ringingMs).toBe(15_000);
      const unlimited = planCall({ ...base, key, ringSeconds: 120, profile });
      if (plan.outcome === 'no-answer' && unlimited.outcome !== 'no-answer') turned++;
    }
    expect(turned).toBeGreaterThan(1000);
  });

  it('starts the greeting at the answer and ends it after', () => {
    for (const key of keys(2000)) {
      const plan = planCall({ ...base, key });
      if (plan.outcome !== 'human' && plan.outcome !== 'machine') continue;
      expect(plan.greetingStartMs).toBe(plan.answerMs);
      expect(plan.greetingStopMs).toBeGreaterThan(plan.greetingStartMs);
      expect(plan.amd!.atMs).toBe(plan.answerMs + plan.amd!.decisionMs);
      expect(plan.amd!.decisionMs).toBeGreaterThan(0);
    }
  });

  it('detects machines with the profile’s accuracy for people and for machines', () => {
    const tally = { human: { right: 0, all: 0 }, machine: { right: 0, all: 0 } };
    for (const key of keys(20_000)) {
      const plan = planCall({ ...base, key, ringSeconds: 120 });
      if (plan.outcome !== 'human' && plan.outcome !== 'machine') continue;
      tally[plan.outcome].all++;
      if (plan.amd!.verdict === plan.outcome) tally[plan.outcome].right++;
    }
    // About 4,000 people and 7,000 machines: three standard errors are about 0.01.
    expect(Math.abs(tally.human.right / tally.human.all - defaultCarrierProfile.amd.humanAccuracy)).toBeLessThan(0.012);
    expect(Math.abs(tally.machine.right / tally.machine.all - defaultCarrierProfile.amd.machineAccuracy)).toBeLessThan(0.012);
  });

  it('leaves the rest of a call unchanged when only machine detection is switched off', () => {
    for (const key of keys(500)) {
      const on = planCall({ ...base, key });
      const off = planCall({ ...base, key, amdEnabled: false });
      expect(off).not.toHaveProperty('amd');
      const { amd: _, ...rest } = on as Extract<CallPlan, { outcome: 'human' | 'machine' }>;
      expect(off).toEqual(rest);
    }
  });

  it('fails a number the caller knows to be invalid, without ringing', () => {
    const plan = planCall({ ...base, key: 'k', invalid: true });
    expect(plan.outcome).toBe('invalid');
    expect(plan).not.toHaveProperty('ringingMs');
    expect(plan).toHaveProperty('endMs');
  });

  it('rejects a profile whose shares cannot be drawn from', () => {
    const outcomes = { human: 0, machine: 0, noAnswer: 0, busy: 0, invalid: 0 };
    expect(() => planCall({ ...base, key: 'k', profile: { ...defaultCarrierProfile, outcomes } })).toThrow(/carrier profile outcomes/);
  });
});

describe('VirtualCarrier', () => {
  it('reports a placed call as progress that gives back the plan it drew, for every outcome', () => {
    const carrier = new VirtualCarrier();
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const key = `run:c${i}:dial:1`;
      const plan = planCall({ key, seed: 7, ringSeconds: 25, amdEnabled: i % 2 === 0, profile: defaultCarrierProfile, invalid: i === 0 });
      const progress = carrier.place({
        key,
        seed: 7,
        to: i === 0 ? null : '+15555550100',
        callerId: '+15555550199',
        ringSeconds: 25,
        amd: i % 2 === 0,
        placedAt: 1_000_000,
      });
      expect(planOf(1_000_000, progress)).toEqual(plan);
      seen.add(plan.outcome);
    }
    expect([...seen].sort()).toEqual(['busy', 'human', 'invalid', 'machine', 'no-answer']);
  });
});
