import { describe, expect, it } from 'vitest';
import { isCanonical } from '../schemas/parse.ts';
import { validateJourney } from '../schemas/validate.ts';
import { largeJourney, largeJourneyStepCount } from './large-journey.ts';

describe('the large journey of the editor benchmark', () => {
  it('has 200 steps of every kind, no problem at all, and is written in canonical form', () => {
    const { text, journey } = largeJourney();
    const nodes = journey.nodes as Record<string, { type: string }>;
    expect(Object.keys(nodes)).toHaveLength(200);
    expect(largeJourneyStepCount(16)).toBe(200);
    expect(new Set(Object.values(nodes).map((n) => n.type)).size).toBe(11);
    expect(validateJourney(journey).problems).toEqual([]);
    expect(isCanonical(text)).toBe(true);
  });

  it('grows by twelve steps a wave', () => {
    expect(Object.keys(largeJourney(3).journey.nodes as object)).toHaveLength(largeJourneyStepCount(3));
    expect(() => largeJourney(0)).toThrow(/positive whole number/);
  });
});
