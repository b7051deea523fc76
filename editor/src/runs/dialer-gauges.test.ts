import { describe, expect, it } from 'vitest';
import { abandonHint, dialerFigures, legalCapPercent } from './dialer-gauges.ts';

const step = (ports: Record<string, number>) => ({ entered: 0, waiting: 0, ports, outcomes: {} });

describe('dialer figures', () => {
  it('reads the compact gauges of a step', () => {
    const f = dialerFigures({
      gauges: {
        calls: { ringing: 4, waiting: 1, preview: 0 },
        agents: { free: 3, busy: 7 },
        abandon: { rate: 0.02, cap: 0.03, liveAnswers: 50, abandoned: 1, windowHours: 720 },
      },
      runAgents: undefined,
      step: step({ connected: 10 }),
      queue: 'collections',
    });
    expect(f).toMatchObject({
      callsInFlight: 5,
      agentsBusy: 7,
      agentsFree: 3,
      abandonPercent: 2,
      capPercent: 3,
      liveAnswers: 50,
      abandoned: 1,
      windowHours: 720,
    });
  });

  it('falls back to the run’s agents per queue, the step’s exits and the legal limit when gauges are missing', () => {
    const f = dialerFigures({
      gauges: undefined,
      runAgents: { queues: { collections: { available: 2, reserved: 1, 'on-call': 3, 'wrap-up': 1, offline: 4 } } },
      step: step({ connected: 18, abandoned: 2 }),
      queue: 'collections',
    });
    expect(f).toEqual({ agentsBusy: 5, agentsFree: 2, abandonPercent: 10, capPercent: legalCapPercent, liveAnswers: 20, abandoned: 2 });
  });

  it('shows no rate before anyone answered, and the step’s own limit when it sets one', () => {
    const f = dialerFigures({
      gauges: { abandon: { rate: 0, cap: 0.03, liveAnswers: 0, abandoned: 0 } },
      runAgents: undefined,
      step: undefined,
      maxAbandonRate: 2.5,
    });
    expect(f.abandonPercent).toBeUndefined();
    expect(f.capPercent).toBe(2.5);
  });
});

describe('the abandoned gauge’s hint', () => {
  it('says what abandoned means, detector included, and gives the estimated part the live gauge carries', () => {
    const f = dialerFigures({
      gauges: {
        abandon: {
          rate: 0.0262,
          cap: 0.03,
          liveAnswers: 90,
          abandoned: 1,
          windowHours: 24,
          detector: { basis: 'estimate', share: 0.05, estimatedPeople: 1.44 },
        },
      },
      runAgents: undefined,
      step: undefined,
    });
    expect(f.detectorEstimatedPeople).toBe(1.44);
    const hint = abandonHint(f);
    expect(hint).toContain('a person answered and did not reach an agent within 2 seconds');
    expect(hint).toContain('people the answering-machine detector took for a machine');
    expect(hint).toContain('estimated from the detector’s accuracy');
    // The estimate is in both the people who answered and the abandoned calls, as in the rate.
    expect(hint).toContain('Of about 91.4 people who answered in the last day, about 2.4 were abandoned, of whom about 1.4 by the detector’s estimate.');
  });

  it('gives no estimated number when the dialer carries none, and counts the people who answered', () => {
    const f = dialerFigures({
      gauges: { abandon: { rate: 0.02, cap: 0.03, liveAnswers: 50, abandoned: 1, windowHours: 720 } },
      runAgents: undefined,
      step: undefined,
    });
    expect(f.detectorEstimatedPeople).toBeUndefined();
    const hint = abandonHint(f);
    expect(hint).toContain('within 2 seconds');
    expect(hint).toContain('took for a machine');
    expect(hint).not.toContain('of whom');
    expect(hint).toContain('Share of the 50 people who answered in the last 30 days.');
  });

  it('ignores a detector figure that is not an estimate', () => {
    const f = dialerFigures({
      gauges: { abandon: { rate: 0, liveAnswers: 3, abandoned: 0, detector: { basis: 'recorded', estimatedPeople: 2 } } },
      runAgents: undefined,
      step: undefined,
    });
    expect(f.detectorEstimatedPeople).toBeUndefined();
  });
});
