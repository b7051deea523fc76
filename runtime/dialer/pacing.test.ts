import { describe, expect, it } from 'vitest';
import { abandonmentDefinitions } from './abandonment.ts';
import { legalDeadline, maxCalls, PredictivePolicy, ProgressivePolicy, withinBudget, type PacingSnapshot } from './pacing.ts';

const { US, UK } = abandonmentDefinitions;

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
    // The window of a campaign that `teach` describes: 400 live answers, none abandoned.
    window: { liveAnswers: 400, abandoned: 0, estimatedAmdFalsePositives: 0, rate: 0 },
    ...over,
  };
}

/** Teaches a policy a campaign where every call placed goes live 10 s later with probability `p`, and agents talk 60 s and wrap up 10 s. */
function teach(policy: PredictivePolicy, p: number, calls = 2000): void {
  for (let i = 0; i < calls; i++) {
    if (i < p * calls) policy.observe({ placedAt: 0, liveAt: 10_000, connectedAt: 10_000, abandoned: false, humanAnswered: true });
    else policy.observe({ placedAt: 0, settledAt: 20_000, abandoned: false, humanAnswered: false });
    if (i < p * calls) policy.observeAgent(60_000, 10_000);
  }
}

describe('legalDeadline', () => {
  it('is 2 s after the greeting ends (US) or starts (UK)', () => {
    expect(legalDeadline(US, { greetingStartAt: 1000, greetingStopAt: 2200 })).toBe(4200);
    expect(legalDeadline(UK, { greetingStartAt: 1000, greetingStopAt: 2200 })).toBe(3000);
  });
});

describe('maxCalls', () => {
  it('solves n·p + z·sqrt(v + n·p(1-p)) <= room for the largest whole n', () => {
    for (const [room, variance, p, z] of [
      [10, 2, 0.2, 1.5],
      [3, 0.5, 0.1, 2],
      [40, 8, 0.35, 0.5],
      [5, 1, 0.2, -0.5],
    ] as const) {
      const n = maxCalls(room, variance, p, z);
      const fits = (k: number) => k * p + z * Math.sqrt(variance + k * p * (1 - p)) <= room + 1e-9;
      expect(fits(n)).toBe(true);
      expect(fits(n + 1)).toBe(false);
    }
    expect(maxCalls(-1, 1, 0.2, 1)).toBe(0);
  });
});

describe('ProgressivePolicy', () => {
  it('places one call per free agent and holds the agent', () => {
    const policy = new ProgressivePolicy(US);
    expect(policy.reservesAgents).toBe(true);
    expect(policy.decide(snapshot({ freeAgents: 4, ringingCount: 3 }))).toBe(4);
  });
});

describe('PredictivePolicy', () => {
  it('dials progressively until it has seen enough live answers', () => {
    const policy = new PredictivePolicy(US);
    expect(policy.decide(snapshot({ freeAgents: 5, ringingCount: 2, ringingAgesMs: [1000, 2000] }))).toBe(3);
  });

  it('dials ahead of free agents once it knows the campaign, more when more agents are about to be free', () => {
    const policy = new PredictivePolicy(US);
    teach(policy, 0.2);
    const idle = policy.decide(snapshot({ freeAgents: 5 }));
    // Five free agents and one live answer in five calls: well beyond one call per agent.
    expect(idle).toBeGreaterThan(5);
    expect(idle).toBeLessThan(25);
    // Agents five seconds from the end of their wrap-up will be free for the new calls' answers.
    const wrapping = policy.decide(snapshot({ now: 1, freeAgents: 5, wrappingElapsedMs: [5000, 5000, 5000, 5000, 5000], wrappingCount: 5 }));
    expect(wrapping).toBeGreaterThan(idle);
    // Calls already ringing use up the supply.
    const ringing = policy.decide(snapshot({ now: 2, freeAgents: 5, ringingAgesMs: new Array(20).fill(5000), ringingCount: 20 }));
    expect(ringing).toBeLessThan(idle);
  });

  it('lets a machine verdict take a free agent only while more are free than the live answers expected within seconds', () => {
    const policy = new PredictivePolicy(US);
    teach(policy, 0.2);
    // Ten calls 7 s old, each live at 10 s with probability 0.2: two live answers expected within the 5 s an agent
    // would spend on a machine, so two free agents are kept for them and a third may hear the machine.
    policy.decide(snapshot({ freeAgents: 3, ringingAgesMs: new Array(10).fill(7000), ringingCount: 10 }));
    expect(policy.suspectedMayTakeAgent(2)).toBe(false);
    expect(policy.suspectedMayTakeAgent(3)).toBe(true);
    // The rule survives the step's memory being saved between rounds.
    expect(new PredictivePolicy(US, JSON.parse(JSON.stringify(policy.toJSON()))).suspectedMayTakeAgent(2)).toBe(false);
    // Calls 1 s old go live only after the next 5 s: nobody to keep an agent for.
    policy.decide(snapshot({ now: 1, freeAgents: 1, ringingAgesMs: new Array(10).fill(1000), ringingCount: 10 }));
    expect(policy.suspectedMayTakeAgent(1)).toBe(true);
  });

  it('falls back to one call per free agent when the window’s rate nears the cap', () => {
    const policy = new PredictivePolicy(US);
    teach(policy, 0.2);
    const window = { liveAnswers: 1000, abandoned: 28, estimatedAmdFalsePositives: 0, rate: 0.028 };
    expect(policy.decide(snapshot({ freeAgents: 5, ringingCount: 1, ringingAgesMs: [1000], window }))).toBe(4);
  });

  it('never risks the abandoned call that would take a small campaign’s window over the limit', () => {
    const policy = new PredictivePolicy(US);
    teach(policy, 0.2);
    // 40 live answers: none abandoned leaves room for one (1/41 = 2.4 %); one abandoned does not (2/41 = 4.9 %).
    const clean = { liveAnswers: 40, abandoned: 0, estimatedAmdFalsePositives: 0, rate: 0 };
    const one = { liveAnswers: 40, abandoned: 1, estimatedAmdFalsePositives: 0, rate: 0.025 };
    expect(policy.decide(snapshot({ freeAgents: 5, window: clean }))).toBeGreaterThan(5);
    expect(policy.decide(snapshot({ now: 1, freeAgents: 5, window: one }))).toBe(5);
    expect(withinBudget(one, 0.027)).toBe(false);
    expect(withinBudget({ ...one, liveAnswers: 80 }, 0.027)).toBe(true);
  });

  it('dials less after abandoned calls, and survives a JSON round trip', () => {
    const calm = new PredictivePolicy(US);
    const burnt = new PredictivePolicy(US);
    teach(calm, 0.2);
    teach(burnt, 0.2);
    for (let i = 0; i < 100; i++) burnt.observe({ placedAt: 0, liveAt: 10_000, droppedAt: 12_000, abandoned: true, humanAnswered: true });
    // Steering happens every 10 s of the snapshot clock.
    for (let t = 0; t <= 600_000; t += 10_000) {
      calm.decide(snapshot({ now: t, freeAgents: 5 }));
      burnt.decide(snapshot({ now: t, freeAgents: 5 }));
    }
    const at = snapshot({ now: 700_000, freeAgents: 5 });
    expect(burnt.decide(at)).toBeLessThan(calm.decide(at));
    const copy = new PredictivePolicy(US, JSON.parse(JSON.stringify(burnt.toJSON())));
    expect(copy.decide(snapshot({ now: 800_000, freeAgents: 5 }))).toBe(burnt.decide(snapshot({ now: 800_000, freeAgents: 5 })));
  });

  it('slows down when the detector’s estimated false positives push the inclusive rate up', () => {
    const clean = new PredictivePolicy(US);
    const fooled = new PredictivePolicy(US);
    // The same campaign, with no call dropped for want of an agent; each also hangs up on 1,000 machine verdicts. For
    // `fooled`, 3 % of those are people by the estimate: 30 abandoned live answers the law counts, none the agents saw.
    teach(clean, 0.2);
    teach(fooled, 0.2);
    for (let i = 0; i < 1000; i++) {
      clean.observe({ placedAt: 0, settledAt: 5000, abandoned: false, humanAnswered: false, suspectedPerson: 0 });
      fooled.observe({ placedAt: 0, settledAt: 5000, abandoned: false, humanAnswered: false, suspectedPerson: 0.03 });
    }
    // The windows as the ledger gives them with the estimate: 400 live answers, 0 and 30 estimated people.
    const cleanWindow = { liveAnswers: 400, abandoned: 0, estimatedAmdFalsePositives: 0, rate: 0 };
    const fooledWindow = { liveAnswers: 400, abandoned: 0, estimatedAmdFalsePositives: 30, rate: 30 / 430 };
    for (let t = 0; t <= 600_000; t += 10_000) {
      // The controller moves with new evidence: between its steps a few more calls are answered (a fifth by people).
      for (const policy of [clean, fooled]) {
        for (let i = 0; i < 4; i++) policy.observe({ placedAt: t, liveAt: t + 10_000, connectedAt: t + 10_000, abandoned: false, humanAnswered: true });
        for (let i = 0; i < 16; i++) policy.observe({ placedAt: t, settledAt: t + 20_000, abandoned: false, humanAnswered: false });
      }
      clean.decide(snapshot({ now: t, freeAgents: 5, window: cleanWindow }));
      fooled.decide(snapshot({ now: t, freeAgents: 5, window: { ...fooledWindow, estimatedAmdFalsePositives: 0, rate: 0 } }));
    }
    // Steered by the recent rate alone (the window told nothing), the fooled policy has raised its margin.
    const at = (window: PacingSnapshot['window']) =>
      snapshot({ now: 700_000, freeAgents: 5, ringingAgesMs: new Array(10).fill(2000), ringingCount: 10, window });
    expect(fooled.decide(at(cleanWindow))).toBeLessThan(clean.decide(at(cleanWindow)));
    // And a window whose rate is over the limit only through the estimate sends it back to one call per free agent
    // (5 free, 10 ringing: none).
    expect(withinBudget(fooledWindow, 0.027)).toBe(false);
    expect(clean.decide(at(fooledWindow))).toBe(0);
  });
});
