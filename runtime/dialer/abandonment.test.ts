import { describe, expect, it } from 'vitest';
import {
  AbandonmentLedger,
  abandonmentDefinitions,
  abandonmentFigures,
  classifyCall,
  definitionFor,
  estimateAmdFalsePositiveShare,
  type CallRecord,
} from './abandonment.ts';

const { US, UK } = abandonmentDefinitions;
const t0 = 1_700_000_000_000;

/** A person answering 10 s after the call was placed, saying "Hello?" for `greetingMs`, reaching an agent at `connectMs` after the answer. */
function person(greetingMs: number, connectMs?: number, at = t0): CallRecord {
  const answeredAt = at + 10_000;
  return {
    placedAt: at,
    answeredAt,
    greetingStartAt: answeredAt,
    greetingStopAt: answeredAt + greetingMs,
    amdVerdict: 'human',
    ...(connectMs !== undefined && { connectedAt: answeredAt + connectMs }),
  };
}

describe('classifyCall', () => {
  it('US: counts from the end of the greeting; UK: from its start', () => {
    // Greeting 1.2 s, agent 3.0 s after the answer: 1.8 s after the greeting ended, 3.0 s after it started.
    const call = person(1200, 3000);
    expect(classifyCall(call, US)).toEqual({ live: true, abandoned: false, machineVerdict: false });
    expect(classifyCall(call, UK)).toEqual({ live: true, abandoned: true, machineVerdict: false });
  });

  it('treats exactly 2 seconds as in time and one millisecond more as abandoned', () => {
    expect(classifyCall(person(1000, 3000), US).abandoned).toBe(false);
    expect(classifyCall(person(1000, 3001), US).abandoned).toBe(true);
    expect(classifyCall(person(1000, 2000), UK).abandoned).toBe(false);
    expect(classifyCall(person(1000, 2001), UK).abandoned).toBe(true);
  });

  it('counts a live answer never connected as abandoned under both, and unanswered calls under neither', () => {
    expect(classifyCall(person(1000), US)).toEqual({ live: true, abandoned: true, machineVerdict: false });
    expect(classifyCall(person(1000), UK)).toEqual({ live: true, abandoned: true, machineVerdict: false });
    expect(classifyCall({ placedAt: t0, endedAt: t0 + 25_000 }, US)).toEqual({ live: false, abandoned: false, machineVerdict: false });
  });

  it('leaves machine verdicts and machines marked by agents out of live answers', () => {
    expect(classifyCall({ ...person(9000), amdVerdict: 'machine' }, US)).toEqual({ live: false, abandoned: false, machineVerdict: true });
    expect(classifyCall({ ...person(9000, 3000), agentMarkedMachine: true }, UK)).toEqual({ live: false, abandoned: false, machineVerdict: false });
  });

  it('does not hold a long greeting against the dialer when the agent came on before it ended (US)', () => {
    const call = { ...person(0, 4000), greetingStopAt: undefined };
    expect(classifyCall(call, US).abandoned).toBe(false);
  });
});

describe('abandonmentFigures', () => {
  // Ten calls by hand: 8 people, 2 machine verdicts.
  //   person greeting / connect after answer     US (stop + 2 s)   UK (start + 2 s)
  //   1  1.0 s / 1.5 s                           in time           in time
  //   2  1.0 s / 2.5 s                           in time           abandoned
  //   3  0.5 s / 2.4 s                           in time           abandoned
  //   4  2.0 s / 3.9 s                           in time           abandoned
  //   5  1.0 s / 3.5 s                           abandoned         abandoned
  //   6  1.0 s / never                           abandoned         abandoned
  //   7  1.5 s / 1.9 s                           in time           in time
  //   8  1.2 s / 2.0 s                           in time           in time
  const calls: CallRecord[] = [
    person(1000, 1500),
    person(1000, 2500),
    person(500, 2400),
    person(2000, 3900),
    person(1000, 3500),
    person(1000),
    person(1500, 1900),
    person(1200, 2000),
    { ...person(8000), amdVerdict: 'machine' },
    { ...person(300), amdVerdict: 'machine' },
  ];

  it('US: 2 abandoned of 8 live answers is 25 %, the machine verdicts left out', () => {
    expect(abandonmentFigures(calls, US)).toEqual({ liveAnswers: 8, abandoned: 2, estimatedAmdFalsePositives: 0, rate: 0.25 });
    // The estimate of people among machine verdicts does not count in the US.
    expect(abandonmentFigures(calls, US, { amdFalsePositiveShare: 0.5 }).rate).toBe(0.25);
  });

  it('UK: 5 abandoned of 8, plus 2 × 0.25 estimated false positives in both: 5.5 / 8.5', () => {
    const f = abandonmentFigures(calls, UK, { amdFalsePositiveShare: 0.25 });
    expect(f.liveAnswers).toBe(8);
    expect(f.abandoned).toBe(5);
    expect(f.estimatedAmdFalsePositives).toBe(0.5);
    expect(f.rate).toBeCloseTo(5.5 / 8.5, 12);
  });

  it('counts only calls answered inside the window asked for, and 0 when there are none', () => {
    const later = person(1000, 5000, t0 + 3_600_000);
    expect(abandonmentFigures([...calls, later], US, { from: t0 + 1_000_000 })).toEqual({
      liveAnswers: 1,
      abandoned: 1,
      estimatedAmdFalsePositives: 0,
      rate: 1,
    });
    expect(abandonmentFigures([], UK).rate).toBe(0);
  });
});

describe('estimateAmdFalsePositiveShare', () => {
  it('is P(person | machine verdict) by Bayes', () => {
    // 20 % people, 95 % of them called people; 80 % machines, 90 % called machines.
    // Machine verdicts: 0.2 × 0.05 = 0.01 people and 0.8 × 0.9 = 0.72 machines, so 0.01 / 0.73.
    expect(estimateAmdFalsePositiveShare({ humanAccuracy: 0.95, machineAccuracy: 0.9, humanShareOfAnswers: 0.2 })).toBeCloseTo(0.01 / 0.73, 12);
    expect(estimateAmdFalsePositiveShare({ humanAccuracy: 1, machineAccuracy: 1, humanShareOfAnswers: 0.5 })).toBe(0);
  });
});

describe('definitionFor', () => {
  it('lets a step lower the cap but never raise it', () => {
    expect(definitionFor('US', 2.5).capPercent).toBe(2.5);
    expect(definitionFor('US', 5).capPercent).toBe(3);
    expect(definitionFor('UK').windowMs).toBe(86_400_000);
    expect(definitionFor('US').windowMs).toBe(30 * 86_400_000);
  });
});

describe('AbandonmentLedger', () => {
  it('gives the rate over the legal window, forgetting calls that fell out of it (UK: 24 hours)', () => {
    const ledger = new AbandonmentLedger(UK);
    const hour = 3_600_000;
    for (let i = 0; i < 97; i++) ledger.record(t0 + i * 60_000, { live: true, abandoned: false, machineVerdict: false });
    for (let i = 0; i < 3; i++) ledger.record(t0 + hour, { live: true, abandoned: true, machineVerdict: false });
    ledger.record(t0 + hour, { live: false, abandoned: false, machineVerdict: true });
    expect(ledger.figures(t0 + 2 * hour)).toEqual({ liveAnswers: 100, abandoned: 3, estimatedAmdFalsePositives: 0, rate: 0.03 });
    // One machine verdict at an estimated 10 % people: 3.1 / 100.1.
    expect(ledger.figures(t0 + 2 * hour, 0.1).rate).toBeCloseTo(3.1 / 100.1, 12);
    // A day and 90 minutes later, the window starts at minute 90: the calls of minutes 90 to 96 are left.
    const later = ledger.figures(t0 + 24 * hour + 90 * 60_000);
    expect(later.liveAnswers).toBe(7);
    expect(later.abandoned).toBe(0);
  });

  it('keeps the US window of 30 days, and survives a JSON round trip', () => {
    const ledger = new AbandonmentLedger(US);
    ledger.record(t0, { live: true, abandoned: true, machineVerdict: false });
    ledger.record(t0 + 20 * 86_400_000, { live: true, abandoned: false, machineVerdict: false });
    expect(ledger.figures(t0 + 29 * 86_400_000).rate).toBe(0.5);
    const copy = new AbandonmentLedger(US, JSON.parse(JSON.stringify(ledger.toJSON())));
    expect(copy.figures(t0 + 31 * 86_400_000)).toEqual({ liveAnswers: 1, abandoned: 0, estimatedAmdFalsePositives: 0, rate: 0 });
  });
});
