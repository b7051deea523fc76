import { describe, expect, it } from 'vitest';
import { validateJourney } from '../schemas/validate.ts';
import { builtInJourneys, fuzzValidate, problemFaults } from './fuzz-validate.ts';

const brief = (summary: Awaited<ReturnType<typeof fuzzValidate>>) =>
  summary.failures.map((f) => `iteration ${f.iteration} (${f.mutations.join(', ')}): ${f.failure.split('\n')[0]}`);

describe('fuzz-validate', () => {
  it('reads and formats 10,000 damaged journeys without a single crash', async () => {
    const summary = await fuzzValidate({ count: 10_000, seed: 1 });
    expect(summary.mutations).toBe(10_000);
    expect(summary.problemsSeen).toBeGreaterThan(10_000);
    // The first few, with what to replay, say more than a count.
    expect(brief(summary).slice(0, 5)).toEqual([]);
    expect(summary.crashes).toBe(0);
    // About 15 s on an idle machine; the margin is for a busy CI runner.
  }, 90_000);

  it('is deterministic: the same seed damages the same way, whichever part of the run is replayed', async () => {
    const bases = builtInJourneys().map((j) => JSON.stringify(j));
    const run = (from: number, count: number) => fuzzValidate({ count, from, seed: 7, bases, cliEvery: 0 });
    // Where a stack overflow is noticed varies with the JIT, so failures compare by their first line.
    const same = (s: Awaited<ReturnType<typeof run>>) => ({
      ...s,
      seconds: 0,
      failures: s.failures.map((f) => ({ ...f, failure: f.failure.split('\n')[0] })),
    });
    const [a, b] = [await run(0, 300), await run(0, 300)];
    expect(same(a)).toEqual(same(b));
    const [head, tail] = [await run(0, 150), await run(150, 150)];
    expect(head.problemsSeen + tail.problemsSeen).toBe(a.problemsSeen);
    expect(head.crashes + tail.crashes).toBe(a.crashes);
    for (const failure of a.failures.slice(0, 3)) {
      const replay = await run(failure.iteration, 1);
      expect(replay.failures.map((f) => [f.input, f.failure.split('\n')[0]])).toEqual([[failure.input, failure.failure.split('\n')[0]]]);
    }
  });

  it('falls back on journeys of its own, which are valid', () => {
    for (const journey of builtInJourneys()) expect(validateJourney(journey).problems).toEqual([]);
  });

  it('tells a problem a person can read from one that leaks internals', () => {
    expect(problemFaults([{ severity: 'error', nodeId: 'a', path: '/nodes/a/config', message: "The SMS step 'a' has no text" }])).toEqual([]);
    expect(problemFaults([{ severity: 'warning', path: '', message: 'The file is not a journey' }])).toEqual([]);
    const bad = [
      { severity: 'fatal', path: '', message: 'x' },
      { severity: 'error', path: 'nodes/a', message: 'x' },
      { severity: 'error', path: '', message: ' ' },
      { severity: 'error', path: '', message: 'Invalid input: expected string, received number' },
      { severity: 'error', path: '', message: 'The step [object Object] is broken' },
      { severity: 'error', path: '', message: '{step} has no text' },
      { severity: 'error', nodeId: 'a', path: '/nodes/b', message: 'x' },
    ];
    expect(bad.map((p) => problemFaults([p]).length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });
});
