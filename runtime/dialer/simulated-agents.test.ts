import { describe, expect, it } from 'vitest';
import { AgentPool, defaultAgentProfile, type AgentProfile } from './simulated-agents.ts';

const t0 = 1_700_000_000_000;

describe('AgentPool', () => {
  it('routes each call to the agent who has been idle longest', () => {
    const pool = AgentPool.staffed({ sales: 3 }, t0);
    // All idle since t0: ties go by id.
    expect(pool.reserve('sales', t0)?.id).toBe('sales-1');
    expect(pool.reserve('sales', t0)?.id).toBe('sales-2');
    pool.release('sales-1', t0 + 30_000);
    pool.release('sales-2', t0 + 10_000);
    // sales-3 idle since t0, sales-2 since t0+10 s, sales-1 since t0+30 s.
    expect(pool.freeAgents('sales', t0 + 40_000).map((a) => a.id)).toEqual(['sales-3', 'sales-2', 'sales-1']);
    expect(pool.reserve('sales', t0 + 40_000)?.id).toBe('sales-3');
    expect(pool.reserve('sales', t0 + 40_000)?.id).toBe('sales-2');
    expect(pool.reserve('sales', t0 + 40_000)?.id).toBe('sales-1');
    expect(pool.reserve('sales', t0 + 40_000)).toBeUndefined();
  });

  it('keeps queues apart and leaves out agents still busy', () => {
    const pool = AgentPool.staffed({ sales: 1, support: 2 }, t0);
    expect(pool.freeAgents('sales', t0).map((a) => a.id)).toEqual(['sales-1']);
    pool.reserve('support', t0);
    pool.release('support-1', t0 + 5000);
    expect(pool.freeAgents('support', t0 + 4999).map((a) => a.id)).toEqual(['support-2']);
    expect(pool.freeAgents('support', t0 + 5000).map((a) => a.id)).toEqual(['support-2', 'support-1']);
    expect(pool.freeAgents('nobody', t0)).toEqual([]);
  });

  it('moves a booked agent through reserved, on-call and wrap-up to available', () => {
    const pool = AgentPool.staffed({ sales: 1 }, t0);
    pool.reserve('sales', t0);
    pool.release('sales-1', t0 + 100_000, { connectedAt: t0 + 10_000, hangupAt: t0 + 80_000 });
    const state = (at: number) => {
      pool.counts('sales', at);
      return pool.get('sales-1').state;
    };
    expect(state(t0 + 5000)).toBe('reserved');
    expect(state(t0 + 10_000)).toBe('on-call');
    expect(state(t0 + 80_000)).toBe('wrap-up');
    expect(pool.nextFreeAt('sales', t0 + 80_000)).toBe(t0 + 100_000);
    expect(state(t0 + 100_000)).toBe('available');
    expect(pool.get('sales-1').idleSince).toBe(t0 + 100_000);
    expect(pool.counts('sales', t0 + 100_000)).toEqual({ offline: 0, available: 1, reserved: 0, 'on-call': 0, 'wrap-up': 0 });
  });

  it('refuses to release an agent that was not reserved, or with times that go backwards', () => {
    const pool = AgentPool.staffed({ sales: 1 }, t0);
    expect(() => pool.release('sales-1', t0)).toThrow(/not reserved/);
    pool.reserve('sales', t0);
    expect(() => pool.release('sales-1', t0 + 10, { connectedAt: t0 + 20, hangupAt: t0 + 15 })).toThrow(/backwards/);
    expect(() => pool.release('ghost', t0)).toThrow(/no agent 'ghost'/);
  });

  it('takes logged-out agents out of routing until they log in again', () => {
    const pool = AgentPool.staffed({ sales: 2 }, t0);
    pool.logOut('sales-1', t0 + 1000);
    expect(pool.freeAgents('sales', t0 + 1000).map((a) => a.id)).toEqual(['sales-2']);
    pool.logIn('sales-1', t0 + 2000);
    expect(pool.freeAgents('sales', t0 + 2000).map((a) => a.id)).toEqual(['sales-2', 'sales-1']);
    pool.reserve('sales', t0 + 2000);
    expect(() => pool.logOut('sales-2', t0 + 2000)).toThrow(/reserved/);
  });

  it('samples the same call for the same key, whoever takes it, within the profile', () => {
    const pool = AgentPool.staffed({ sales: 2 }, t0);
    const plan = pool.plan('sales-1', 'run:c-1:call:1', 3);
    expect(pool.plan('sales-2', 'run:c-1:call:1', 3)).toEqual(plan);
    expect(pool.plan('sales-1', 'run:c-2:call:1', 3)).not.toEqual(plan);
    const names = new Set(defaultAgentProfile.dispositions.map((d) => d.name));
    const seen = new Map<string, number>();
    let talk = 0;
    for (let i = 0; i < 5000; i++) {
      const p = pool.plan('sales-1', `run:c-${i}:call:1`, 3);
      expect(names.has(p.disposition)).toBe(true);
      expect(p.machineMs).toBeGreaterThanOrEqual(10_000);
      expect(p.machineMs).toBeLessThanOrEqual(20_000);
      seen.set(p.disposition, (seen.get(p.disposition) ?? 0) + 1);
      talk += p.talkMs;
    }
    expect(seen.size).toBe(names.size);
    expect(talk / 5000 / 1000).toBeGreaterThan(85);
    expect(talk / 5000 / 1000).toBeLessThan(95);
  });

  it('uses a queue’s own profile where it has one', () => {
    const reminders: AgentProfile = { ...defaultAgentProfile, talkMeanSeconds: 20, dispositions: [{ name: 'confirmed', weight: 1 }] };
    const pool = AgentPool.staffed({ sales: 1, reminders: 1 }, t0, { profiles: { reminders } });
    expect(pool.plan('reminders-1', 'k', 1).disposition).toBe('confirmed');
    expect(pool.plan('sales-1', 'k', 1).disposition).not.toBe('confirmed');
  });

  it('survives a JSON round trip and carries on exactly as the original', () => {
    const original = AgentPool.staffed({ sales: 3, support: 1 }, t0, { profiles: { support: { ...defaultAgentProfile, talkMeanSeconds: 200 } } });
    original.reserve('sales', t0);
    original.release('sales-1', t0 + 60_000, { connectedAt: t0 + 5000, hangupAt: t0 + 50_000 });
    original.reserve('sales', t0 + 1000);
    original.logOut('support-1', t0 + 1000);

    const copy = AgentPool.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(copy.toJSON()).toEqual(original.toJSON());
    expect(copy.plan('support-1', 'k', 9)).toEqual(original.plan('support-1', 'k', 9));
    for (const pool of [original, copy]) {
      pool.release('sales-2', t0 + 20_000);
    }
    for (const at of [t0 + 30_000, t0 + 55_000, t0 + 70_000]) {
      expect(copy.counts('sales', at)).toEqual(original.counts('sales', at));
      expect(copy.freeAgents('sales', at)).toEqual(original.freeAgents('sales', at));
    }
    expect(copy.toJSON()).toEqual(original.toJSON());
  });

  it('rejects saved state that is not an agent pool, saying what is wrong', () => {
    expect(() => AgentPool.fromJSON({ version: 1, agents: [{ id: 'a' }] })).toThrow(/not a valid agent pool/);
    const json = AgentPool.staffed({ sales: 1 }, t0).toJSON();
    expect(() => AgentPool.fromJSON({ ...json, agents: [...json.agents, ...json.agents] })).toThrow(/appears twice/);
  });
});

describe('AgentPool driven by a person', () => {
  it('goes available, reserved, on call, wrap-up and available again, with the disposition and the times', () => {
    const pool = AgentPool.staffed({ sales: 2 }, t0);
    pool.logOut('sales-1', t0);
    pool.logIn('sales-1', t0 + 1000);
    // sales-2 has been idle since t0, sales-1 only since t0 + 1 s: sales-2 takes the first call.
    expect(pool.reserve('sales', t0 + 2000)?.id).toBe('sales-2');
    pool.connect('sales-2', t0 + 5000);
    expect(pool.get('sales-2').state).toBe('on-call');
    pool.hangUp('sales-2', t0 + 95_000);
    expect(pool.get('sales-2').state).toBe('wrap-up');
    expect(pool.counts('sales', t0 + 96_000)).toEqual({ offline: 0, available: 1, reserved: 0, 'on-call': 0, 'wrap-up': 1 });
    expect(pool.finishWrapUp('sales-2', t0 + 110_000, 'promise-to-pay')).toEqual({
      agentId: 'sales-2',
      disposition: 'promise-to-pay',
      talkMs: 90_000,
      wrapMs: 15_000,
    });
    expect(pool.get('sales-2')).toMatchObject({ state: 'available', idleSince: t0 + 110_000 });
    // Now sales-1 has waited longest.
    expect(pool.reserve('sales', t0 + 120_000)?.id).toBe('sales-1');
    pool.unreserve('sales-1', t0 + 140_000);
    expect(pool.freeAgents('sales', t0 + 140_000).map((a) => a.id)).toEqual(['sales-2', 'sales-1']);
  });

  it('refuses transitions out of order, a wrap-up without a disposition, and hand-driving a booked simulated agent', () => {
    const pool = AgentPool.staffed({ sales: 2 }, t0);
    expect(() => pool.connect('sales-1', t0)).toThrow(/available, not reserved/);
    expect(() => pool.hangUp('sales-1', t0)).toThrow(/not on-call/);
    pool.reserve('sales', t0);
    pool.connect('sales-1', t0 + 1000);
    expect(() => pool.logOut('sales-1', t0 + 2000)).toThrow(/cannot log out/);
    pool.hangUp('sales-1', t0 + 3000);
    expect(() => pool.finishWrapUp('sales-1', t0 + 4000, ' ')).toThrow(/disposition/);
    pool.reserve('sales', t0);
    pool.release('sales-2', t0 + 60_000);
    expect(() => pool.connect('sales-2', t0 + 1000)).toThrow(/booked call/);
  });
});
