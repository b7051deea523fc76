import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../channels/provider.ts';
import { agentlessCallTimeline, messageDurationMs, progressiveCallTimeline, type CallTimeline, type TimelineConfig } from './call-timeline.ts';
import { AgentPool } from './simulated-agents.ts';
import { defaultCarrierProfile, planCall, type CallPlan } from './virtual-carrier.ts';

const placedAt = 1_700_000_000_000;
const agent = { id: 'sales-1', talkMs: 90_000, wrapMs: 15_000, disposition: 'promise-to-pay', machineMs: 12_000 };
const hangup: TimelineConfig = { amd: { enabled: true, onMachine: 'hangup' } };
const leaveMessage: TimelineConfig = { amd: { enabled: true, onMachine: 'leave-message' }, messageMs: 20_000 };
const noAmd: TimelineConfig = { amd: { enabled: false, onMachine: 'hangup' }, messageMs: 20_000 };

/** An answered call: ringing at 3 s, answered at 10 s, greeting of 1.2 s (person) or 9 s (machine), verdict 2.5 s after the answer. */
function answered(outcome: 'human' | 'machine', verdict?: 'human' | 'machine'): CallPlan {
  const greetingStopMs = outcome === 'human' ? 11_200 : 19_000;
  const plan: CallPlan = { outcome, ringingMs: 3000, answerMs: 10_000, greetingStartMs: 10_000, greetingStopMs };
  return verdict ? { ...plan, amd: { verdict, decisionMs: 2500, atMs: 12_500 } } : plan;
}

function at(timeline: CallTimeline, type: FollowUp['type']): number | undefined {
  return timeline.followUps.find((event) => event.type === type)?.at;
}

function data(timeline: CallTimeline, type: FollowUp['type']) {
  return timeline.followUps.find((event) => event.type === type)?.data;
}

const callEvents = new Set([
  'call.ringing',
  'call.answered',
  'call.customerGreetingStart',
  'call.customerGreetingStop',
  'call.amd',
  'call.connectedToAgent',
  'call.abandoned',
  'call.ended',
]);

function expectConsistent(timeline: CallTimeline): void {
  const { followUps } = timeline;
  expect(followUps[0]!.at).toBeGreaterThan(placedAt);
  for (let i = 1; i < followUps.length; i++) {
    const [before, after] = [followUps[i - 1]!, followUps[i]!];
    // The greeting starts as the line opens: the one pair of events that share a moment.
    if (before.type === 'call.answered' && after.type === 'call.customerGreetingStart') expect(after.at).toBe(before.at);
    else expect(after.at).toBeGreaterThan(before.at);
  }
  expect(new Set(followUps.map((e) => e.type)).size).toBe(followUps.length);
  for (const event of followUps) expect(callEvents.has(event.type)).toBe(true);
  const ended = followUps.at(-1)!;
  expect(ended.type).toBe('call.ended');
  expect(ended.at).toBe(timeline.endedAt);
  expect(ended.data).toMatchObject({ port: timeline.port, disposition: timeline.disposition, durationMs: timeline.endedAt - placedAt });
  const answeredAt = at(timeline, 'call.answered');
  expect(ended.data.billableSeconds).toBe(answeredAt === undefined ? 0 : Math.ceil((timeline.endedAt - answeredAt) / 1000));
  if (answeredAt !== undefined) {
    expect(at(timeline, 'call.ringing')).toBeLessThan(answeredAt);
    expect(at(timeline, 'call.customerGreetingStart')).toBe(answeredAt);
  }
  if (timeline.agentFreeAt !== undefined) expect(timeline.agentFreeAt).toBeGreaterThan(placedAt);
}

describe('progressiveCallTimeline', () => {
  it('connects a person right after the detector’s verdict, and frees the agent after the wrap-up', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('human', 'human'), config: hangup, agent });
    expectConsistent(t);
    expect(t.followUps.map((e) => e.type)).toEqual([
      'call.ringing',
      'call.answered',
      'call.customerGreetingStart',
      'call.customerGreetingStop',
      'call.amd',
      'call.connectedToAgent',
      'call.ended',
    ]);
    const connectedAt = at(t, 'call.connectedToAgent')!;
    expect(connectedAt - at(t, 'call.amd')!).toBeGreaterThan(0);
    expect(connectedAt - at(t, 'call.amd')!).toBeLessThan(500);
    expect(data(t, 'call.amd')).toEqual({ verdict: 'human', decisionMs: 2500 });
    expect(data(t, 'call.connectedToAgent')).toEqual({ agentId: 'sales-1' });
    expect(t).toMatchObject({ port: 'connected', disposition: 'promise-to-pay', agentConnectedAt: connectedAt });
    expect(t.endedAt).toBe(connectedAt + agent.talkMs);
    expect(t.agentFreeAt).toBe(t.endedAt + agent.wrapMs);
    expect(data(t, 'call.ended')).toMatchObject({ agentId: 'sales-1', billableSeconds: Math.ceil((t.endedAt - placedAt - 10_000) / 1000) });
  });

  it('connects a person at the answer when detection is off', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('human'), config: noAmd, agent });
    expectConsistent(t);
    expect(at(t, 'call.amd')).toBeUndefined();
    expect(at(t, 'call.connectedToAgent')! - (placedAt + 10_000)).toBeLessThan(500);
    expect(t.port).toBe('connected');
  });

  it('hangs up on a person the detector takes for a machine: abandoned, amd-false-positive', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('human', 'machine'), config: hangup, agent });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'abandoned', disposition: 'abandoned' });
    expect(data(t, 'call.abandoned')).toEqual({ reason: 'amd-false-positive' });
    expect(at(t, 'call.connectedToAgent')).toBeUndefined();
    expect(t.agentFreeAt).toBeLessThanOrEqual(t.endedAt);
    expect(data(t, 'call.ended')).not.toHaveProperty('agentId');
  });

  it('still counts a person who hears the voicemail message as abandoned, since no agent took the call', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('human', 'machine'), config: leaveMessage, agent });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'abandoned', disposition: 'message-played' });
    expect(data(t, 'call.abandoned')).toEqual({ reason: 'amd-false-positive' });
  });

  it('hands a machine the detector passed as a person to the agent, who marks it after 10 to 20 seconds', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('machine', 'human'), config: hangup, agent });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'machine', disposition: 'answering-machine' });
    expect(t.endedAt - at(t, 'call.connectedToAgent')!).toBe(agent.machineMs);
    expect(t.agentFreeAt).toBe(t.endedAt);
    expect(data(t, 'call.ended')).toMatchObject({ agentId: 'sales-1' });
  });

  it('hangs up on a detected machine at once, before its beep, and frees the agent', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('machine', 'machine'), config: hangup, agent });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'machine', disposition: 'machine-hangup' });
    expect(at(t, 'call.customerGreetingStop')).toBeUndefined();
    expect(t.endedAt - at(t, 'call.amd')!).toBeLessThan(500);
    expect(t.agentFreeAt).toBeLessThanOrEqual(t.endedAt);
  });

  it('leaves the message on a detected machine after the beep', () => {
    const t = progressiveCallTimeline({ placedAt, plan: answered('machine', 'machine'), config: leaveMessage, agent });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'machine', disposition: 'message-left' });
    const beepAt = at(t, 'call.customerGreetingStop')!;
    expect(t.endedAt - beepAt).toBeGreaterThanOrEqual(20_000);
    expect(t.endedAt - beepAt).toBeLessThan(20_500);
    expect(t.agentFreeAt).toBeLessThan(beepAt);
  });

  it('ends unanswered, busy and invalid calls on the right ports, holding the agent throughout', () => {
    const noAnswer = progressiveCallTimeline({ placedAt, plan: { outcome: 'no-answer', ringingMs: 3000, endMs: 23_000 }, config: hangup, agent });
    expectConsistent(noAnswer);
    expect(noAnswer.followUps.map((e) => e.type)).toEqual(['call.ringing', 'call.ended']);
    expect(noAnswer).toMatchObject({ port: 'no-answer', disposition: 'no-answer', endedAt: placedAt + 23_000, agentFreeAt: placedAt + 23_000 });

    const busy = progressiveCallTimeline({ placedAt, plan: { outcome: 'busy', endMs: 2000 }, config: hangup, agent });
    expectConsistent(busy);
    expect(busy).toMatchObject({ port: 'no-answer', disposition: 'busy' });

    const invalid = progressiveCallTimeline({ placedAt, plan: { outcome: 'invalid', endMs: 2000 }, config: hangup, agent });
    expectConsistent(invalid);
    expect(invalid).toMatchObject({ port: 'failed', disposition: 'invalid-number' });
    expect(data(invalid, 'call.ended')).toMatchObject({ billableSeconds: 0 });
  });

  it('moves a greeting that ends at the very moment of another event just after it', () => {
    for (const greetingStopMs of [12_500, 12_700]) {
      const plan = { ...answered('human', 'human'), greetingStopMs };
      const t = progressiveCallTimeline({ placedAt, plan, config: hangup, agent });
      expectConsistent(t);
      expect(at(t, 'call.customerGreetingStop')).toBe(placedAt + greetingStopMs + 1);
    }
  });

  it('refuses a plan made with detection switched the other way', () => {
    expect(() => progressiveCallTimeline({ placedAt, plan: answered('human'), config: hangup, agent })).toThrow(/machine detection off/);
  });
});

describe('agentlessCallTimeline', () => {
  it('plays the message to a person', () => {
    const t = agentlessCallTimeline({ placedAt, plan: answered('human', 'human'), config: leaveMessage });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'connected', disposition: 'message-played' });
    expect(t.endedAt - at(t, 'call.amd')!).toBeGreaterThanOrEqual(20_000);
    expect(t.agentFreeAt).toBeUndefined();
  });

  it('plays the message to a person taken for a machine once they fall silent, or abandons them when told to hang up', () => {
    const played = agentlessCallTimeline({ placedAt, plan: answered('human', 'machine'), config: leaveMessage });
    expectConsistent(played);
    expect(played).toMatchObject({ port: 'connected', disposition: 'message-played' });
    expect(at(played, 'call.abandoned')).toBeUndefined();

    const dropped = agentlessCallTimeline({ placedAt, plan: answered('human', 'machine'), config: { ...leaveMessage, amd: hangup.amd } });
    expectConsistent(dropped);
    expect(dropped.port).toBe('abandoned');
    expect(data(dropped, 'call.abandoned')).toEqual({ reason: 'amd-false-positive' });
  });

  it('clips the message over a machine taken for a person', () => {
    const t = agentlessCallTimeline({ placedAt, plan: answered('machine', 'human'), config: leaveMessage });
    expectConsistent(t);
    expect(t).toMatchObject({ port: 'machine', disposition: 'message-clipped' });
  });

  it('says what is missing when a message must be played and has no length', () => {
    expect(() => agentlessCallTimeline({ placedAt, plan: answered('human', 'human'), config: hangup })).toThrow(/no message length/);
  });
});

describe('timelines of simulated calls', () => {
  it('keep every call’s events consistent across modes, detection settings and outcomes', () => {
    const pool = AgentPool.staffed({ sales: 1 }, placedAt);
    // An agentless step always has a message; the schema requires it.
    const configs = [{ ...hangup, messageMs: 8000 }, leaveMessage, noAmd, { ...noAmd, amd: { enabled: false, onMachine: 'leave-message' as const } }];
    const ports = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const key = `run-1:contact-${i}:call:1`;
      for (const config of configs) {
        const plan = planCall({ key, seed: 11, ringSeconds: 20, amdEnabled: config.amd.enabled, profile: defaultCarrierProfile });
        const progressive = progressiveCallTimeline({ placedAt, plan, config, agent: { id: 'sales-1', ...pool.plan('sales-1', key, 11) } });
        const agentless = agentlessCallTimeline({ placedAt, plan, config });
        for (const t of [progressive, agentless]) {
          expectConsistent(t);
          ports.add(t.port);
        }
        expect(progressive.agentFreeAt).toBeGreaterThanOrEqual(Math.min(progressive.endedAt, at(progressive, 'call.amd') ?? Infinity));
        expect(progressiveCallTimeline({ placedAt, plan, config, agent: { id: 'sales-1', ...pool.plan('sales-1', key, 11) } })).toEqual(progressive);
      }
    }
    expect([...ports].sort()).toEqual(['abandoned', 'connected', 'failed', 'machine', 'no-answer']);
  });
});

describe('messageDurationMs', () => {
  it('reads 150 words a minute, a Liquid output as one word, and Liquid tags as nothing', () => {
    expect(messageDurationMs(Array.from({ length: 150 }, () => 'word').join(' '))).toBe(60_000);
    expect(messageDurationMs('Hello {{ contact.firstName }}, {% if x %}please{% endif %} call us.')).toBe(Math.round((5 / 150) * 60_000));
    expect(messageDurationMs('')).toBe(1000);
  });
});
