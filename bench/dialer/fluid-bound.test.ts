import { describe, expect, it } from 'vitest';
import { abandonmentDefinitions } from '../../runtime/dialer/abandonment.ts';
import { fluidBound, lognormalCdf, normalCdf, scenarioBound } from './fluid-bound.ts';
import { createPolicy, scenarioAgents, scenarioCarrier, simulateShift, type PolicyName, type ShiftScenario } from './shift-simulation.ts';

const US = abandonmentDefinitions.US;

describe('fluidBound', () => {
  it('matches a hand-worked example', () => {
    // People 20 %, machines 25 % of calls, every ring within the limit (no spread); a 2 % detector error both ways.
    // Machines reaching an agent per person reaching one: (0.25 × 0.02) / (0.20 × 0.98) = 0.005 / 0.196 = 0.025510.
    // Agent seconds per conversation: 90 + 15 + 0.025510 × 15 = 105.38265. Talk minutes an hour: 60 × 90 / 105.38265
    // = 51.2418.
    const carrier = { ...scenarioCarrier({ liveRate: 0.2, amdErrorRate: 0.02 }), ringSeconds: { mean: 8, cv: 0 }, machineRingSeconds: { mean: 18, cv: 0 } };
    const bound = fluidBound({ carrier, agents: scenarioAgents(90), ringLimitSeconds: 25, amdEnabled: true });
    expect(bound.machinesPerConversation).toBeCloseTo(0.005 / 0.196, 12);
    expect(bound.agentSecondsPerConversation).toBeCloseTo(105.38265, 4);
    expect(bound.talkMinutesPerAgentHour).toBeCloseTo(51.2418, 3);
    // With the detector off every machine reaches an agent: 0.25 / 0.20 = 1.25 machines, 18.75 s: 60 × 90 / 123.75.
    expect(fluidBound({ carrier, agents: scenarioAgents(90), ringLimitSeconds: 25, amdEnabled: false }).talkMinutesPerAgentHour).toBeCloseTo(43.6364, 3);
  });

  it('counts only the answers that come within the ring limit', () => {
    // Person rings: lognormal mean 8 s, CV 0.5: σ² = ln 1.25, μ = ln 8 − σ²/2; P(≤ 25 s) = Φ(2.6483) = 0.99596.
    // Machine rings: mean 18 s, CV 0.3: P(≤ 25 s) = Φ(1.2659) = 0.89722. Machines per person:
    // 0.25 × 0.89722 × 0.02 / (0.2 × 0.99596 × 0.98) = 0.022984; 60 × 90 / (105 + 0.34476) = 51.2604.
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(lognormalCdf(25, 8, 0.5)).toBeCloseTo(0.99596, 4);
    expect(lognormalCdf(25, 18, 0.3)).toBeCloseTo(0.89722, 4);
    expect(scenarioBound({ liveRate: 0.2, amdErrorRate: 0.02, talkMeanSeconds: 90, ringSeconds: 25 })).toBeCloseTo(51.2604, 2);
  });

  it('is never exceeded by a simulated shift of any policy', () => {
    const policies: PolicyName[] = ['progressive', 'vicidial', 'vicidial-adapt-average', 'predictive'];
    const scenarios: ShiftScenario[] = [
      { agents: 20, liveRate: 0.35, talkMeanSeconds: 90, amdErrorRate: 0.05, shiftHours: 2, ringSeconds: 25, seed: 11, replication: 0, ratePerMinute: 0.01 },
      { agents: 10, liveRate: 0.2, talkMeanSeconds: 300, amdErrorRate: 0.02, shiftHours: 2, ringSeconds: 25, seed: 12, replication: 1, ratePerMinute: 0.01 },
    ];
    for (const scenario of scenarios) {
      const bound = scenarioBound(scenario);
      for (const name of policies) {
        // A VICIdial with the detector off and a high fixed ratio is the setting that comes closest to the bound.
        const settings = name === 'vicidial' ? { method: 'RATIO' as const, startLevel: 3, amd: false } : undefined;
        const shift = simulateShift(scenario, createPolicy(name, US, settings), US);
        expect(shift.talkMinutesPerAgentHour, `${name}, ${scenario.agents} agents`).toBeGreaterThan(0);
        expect(shift.talkMinutesPerAgentHour, `${name}, ${scenario.agents} agents`).toBeLessThan(bound);
      }
    }
  });
});
