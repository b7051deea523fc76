import { describe, expect, it } from 'vitest';
import { abandonmentDefinitions } from '../../runtime/dialer/abandonment.ts';
import { createPolicy, simulateShift, worstWindow, type ShiftScenario } from './shift-simulation.ts';

const US = abandonmentDefinitions.US;
const scenario: ShiftScenario = {
  agents: 20,
  liveRate: 0.2,
  talkMeanSeconds: 90,
  amdErrorRate: 0.02,
  shiftHours: 2,
  ringSeconds: 25,
  seed: 3,
  replication: 0,
  ratePerMinute: 0.01,
};

describe('simulateShift', () => {
  it('is repeatable: the same scenario and policy give the same shift', () => {
    const a = simulateShift(scenario, createPolicy('predictive', US), US);
    expect(simulateShift(scenario, createPolicy('predictive', US), US)).toEqual(a);
    expect(simulateShift({ ...scenario, replication: 1 }, createPolicy('predictive', US), US)).not.toEqual(a);
  });

  it('gives every policy the same contacts: the first calls of a progressive and a predictive shift meet the same fates', () => {
    // With one agent for a minute, progressive places few calls; predictive dials the same contacts first.
    const short = { ...scenario, agents: 1, shiftHours: 1 / 60 };
    const p = simulateShift(short, createPolicy('progressive', US), US);
    const q = simulateShift(short, createPolicy('predictive', US), US);
    // Predictive is progressive until it has seen 30 live answers: a minute with one agent is all progressive. Only
    // the agent's wait differs: progressive holds the agent while a call rings, and does not count that as waiting.
    expect(p.suspectedToAgent).toBe(1);
    expect({ ...q, timeToConnectSeconds: 0 }).toEqual({ ...p, timeToConnectSeconds: 0 });
  });

  it('keeps our predictive policy under the cap while beating progressive and VICIdial on talk time', () => {
    const progressive = simulateShift(scenario, createPolicy('progressive', US), US);
    const vicidial = simulateShift(scenario, createPolicy('vicidial', US), US);
    const predictive = simulateShift(scenario, createPolicy('predictive', US), US);
    expect(predictive.abandonRate).toBeLessThanOrEqual(0.03);
    expect(predictive.talkMinutesPerAgentHour).toBeGreaterThan(1.3 * progressive.talkMinutesPerAgentHour);
    expect(predictive.talkMinutesPerAgentHour).toBeGreaterThan(vicidial.talkMinutesPerAgentHour);
    // Progressive holds an agent for every call, so its only abandoned calls are slow detector verdicts: the held agent
    // hears every suspected machine, and a person among them (2 % of people) is often reached over 2 s after the greeting.
    expect(progressive.abandonRate).toBeLessThan(scenario.amdErrorRate);
    expect(progressive.detectorAbandonRate).toBe(0);
    expect(progressive.humansHungUpByAmd).toBe(0);
    for (const r of [progressive, vicidial, predictive]) {
      expect(r.occupancy).toBeGreaterThan(0);
      expect(r.occupancy).toBeLessThanOrEqual(1);
      expect(r.liveAnswers).toBeLessThan(r.placed);
      expect(r.callCost).toBeCloseTo(r.callMinutes * 0.01, 9);
    }
  });
});

describe('suspected machines', () => {
  it('go to a free agent when one is free, and are hung up on, counted as abandoned, when none is', () => {
    const freeAgent = simulateShift(scenario, createPolicy('predictive', US), US);
    const hangUp = simulateShift({ ...scenario, suspectedMachines: 'hangup' }, createPolicy('predictive', US), US);
    // Hanging up on every machine verdict: each person among them is an abandoned live answer, the whole detector part.
    expect(hangUp.suspectedToAgent).toBe(0);
    expect(hangUp.humansHungUpByAmd).toBeGreaterThan(0);
    expect(hangUp.detectorAbandonRate).toBeCloseTo(hangUp.humansHungUpByAmd / hangUp.liveAnswers, 12);
    // With free agents taking some: fewer people hung up on, and a smaller detector part of the rate.
    expect(freeAgent.suspectedToAgent).toBeGreaterThan(0);
    expect(freeAgent.humansHungUpByAmd).toBeLessThan(hangUp.humansHungUpByAmd);
    expect(freeAgent.detectorAbandonRate).toBeLessThan(hangUp.detectorAbandonRate);
    expect(freeAgent.detectorAbandonRate).toBeCloseTo(freeAgent.humansHungUpByAmd / freeAgent.liveAnswers, 12);
    expect(freeAgent.abandonRate).toBeGreaterThanOrEqual(freeAgent.detectorAbandonRate);
  });
});

describe('worstWindow', () => {
  it('finds the worst run of whole minutes with live answers', () => {
    // Minutes: live 10, 10, 10, 10; abandoned 0, 1, 2, 0. Two-minute windows: 1/20, 3/20, 2/20.
    expect(worstWindow([10, 10, 10, 10], [0, 1, 2, 0], 2)).toBeCloseTo(0.15, 12);
    expect(worstWindow([0, 0], [0, 0], 2)).toBe(0);
  });
});
