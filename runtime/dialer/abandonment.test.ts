import { describe, expect, it } from 'vitest';
import { abandonedCallCapPercent } from '../../schemas/compliance-profiles.ts';
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

  it('US: 2 abandoned of 8 live answers, plus 2 × 0.25 estimated false positives in both: 2.5 / 8.5', () => {
    // Without an estimate the machine verdicts are left out: 2 / 8.
    expect(abandonmentFigures(calls, US)).toEqual({ liveAnswers: 8, abandoned: 2, estimatedAmdFalsePositives: 0, rate: 0.25 });
    // A person the detector hung up on was never connected to a representative: the estimate counts in the US too.
    const f = abandonmentFigures(calls, US, { amdFalsePositiveShare: 0.25 });
    expect(f.estimatedAmdFalsePositives).toBe(0.5);
    expect(f.rate).toBeCloseTo(2.5 / 8.5, 12);
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

describe('inclusive abandonment: people the detector took for machines', () => {
  /** A call the detector called a machine `verdictMs` after the answer, with who really answered known. */
  const suspected = (answeredBy: 'human' | 'machine', greetingMs: number, connectMs?: number): CallRecord => ({
    ...person(greetingMs, connectMs),
    amdVerdict: 'machine',
    answeredBy,
    ...(answeredBy === 'machine' && connectMs !== undefined && { agentMarkedMachine: true }),
  });

  // Eight answered calls whose truth a simulation knows (times after the answer; greeting starts at the answer):
  //   call                                         greeting  connect   US (stop + 2 s)        UK (start + 2 s)
  //   1 person, "human", agent                     1.0 s     2.5 s     in time                abandoned (2.5 > 2.0)
  //   2 person, "human", agent                     1.0 s     1.8 s     in time                in time
  //   3 person, "human", no agent                  1.0 s     never     abandoned              abandoned
  //   4 person, "machine", hung up                 1.2 s     never     abandoned (detector)   abandoned (detector)
  //   5 person, "machine", hung up                 0.8 s     never     abandoned (detector)   abandoned (detector)
  //   6 person, "machine", to a free agent         1.2 s     3.0 s     in time (3.0 ≤ 3.2)    abandoned (3.0 > 2.0)
  //   7 machine, "machine", hung up                9.0 s     never     not live               not live
  //   8 machine, "machine", to an agent, marked    9.0 s     3.0 s     not live               not live
  // Live answers: calls 1-6 (6). US abandoned: 3, 4, 5 = 3 → 3 / 6 = 50 %, 2 of them the detector's (2 / 6).
  // UK abandoned: 1, 3, 4, 5, 6 = 5 → 5 / 6.
  const calls: CallRecord[] = [
    person(1000, 2500),
    person(1000, 1800),
    person(1000),
    suspected('human', 1200),
    suspected('human', 800),
    suspected('human', 1200, 3000),
    suspected('machine', 9000),
    suspected('machine', 9000, 3000),
  ];

  it('US: counts the known detector hang-ups on people as live answers abandoned', () => {
    const verdicts = calls.map((c) => classifyCall(c, US));
    expect(verdicts[3]).toEqual({ live: true, abandoned: true, machineVerdict: false, detectorAbandoned: true });
    expect(verdicts[5]).toEqual({ live: true, abandoned: false, machineVerdict: false });
    expect(verdicts[6]).toEqual({ live: false, abandoned: false, machineVerdict: false });
    expect(verdicts[7]).toEqual({ live: false, abandoned: false, machineVerdict: false });
    expect(verdicts.filter((v) => v.detectorAbandoned).length).toBe(2);
    // Known truth: no estimate is added on top, whatever share is given.
    expect(abandonmentFigures(calls, US, { amdFalsePositiveShare: 0.3 })).toEqual({ liveAnswers: 6, abandoned: 3, estimatedAmdFalsePositives: 0, rate: 0.5 });
  });

  it('UK: the same calls from the start of the greeting: 5 of 6', () => {
    expect(abandonmentFigures(calls, UK)).toEqual({ liveAnswers: 6, abandoned: 5, estimatedAmdFalsePositives: 0, rate: 5 / 6 });
  });

  it('a live run, which does not know who answered, counts the machine verdicts hung up on through the estimate', () => {
    // Calls 4, 5 and 7 without their truth are three machine verdicts; call 6 reached an agent (in time under US
    // rules), call 8 was marked a machine by its agent. At a share of 0.4: 1.2 estimated people.
    // US: (1 + 1.2) abandoned / (3 + 1 + 1.2) live = 2.2 / 5.2; UK: (3 + 1.2) / 5.2 with calls 1, 3 and 6 late.
    const live = calls.map(({ answeredBy: _truth, ...call }) => call);
    const us = abandonmentFigures(live, US, { amdFalsePositiveShare: 0.4 });
    expect(us.liveAnswers).toBe(4);
    expect(us.abandoned).toBe(1);
    expect(us.estimatedAmdFalsePositives).toBeCloseTo(1.2, 12);
    expect(us.rate).toBeCloseTo(2.2 / 5.2, 12);
    expect(abandonmentFigures(live, UK, { amdFalsePositiveShare: 0.4 }).rate).toBeCloseTo(4.2 / 5.2, 12);
  });

  it('holds every profile to the inclusive count: US, UK, CA, AU and NZ all count detector hang-ups on people', () => {
    for (const definition of Object.values(abandonmentDefinitions)) expect(definition.countsAmdFalsePositives).toBe(true);
  });

  it('keeps the known detector hang-ups in the ledger as abandoned live answers, and estimates only the unknown', () => {
    const ledger = new AbandonmentLedger(US);
    for (const c of calls) ledger.record(c.answeredAt!, classifyCall(c, US));
    expect(ledger.figures(t0 + 60_000, 0.3)).toEqual({ liveAnswers: 6, abandoned: 3, estimatedAmdFalsePositives: 0, rate: 0.5 });
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

describe('the validator’s caps', () => {
  it('are the caps of the runtime’s definitions, profile by profile', () => {
    for (const [profile, definition] of Object.entries(abandonmentDefinitions)) {
      expect([profile, abandonedCallCapPercent[profile as keyof typeof abandonedCallCapPercent]]).toEqual([profile, definition.capPercent]);
    }
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
