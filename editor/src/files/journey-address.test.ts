import { describe, expect, it } from 'vitest';
import { journeyPath, parseJourneyAddress } from './journey-address.ts';

describe('journey addresses', () => {
  it('read back what they write', () => {
    for (const address of [
      { kind: 'journey', id: 'missed-payment' },
      { kind: 'version', id: 'missed-payment', version: 3 },
      { kind: 'diff', id: 'missed-payment', from: 1, to: 'draft' },
      { kind: 'diff', id: 'win-back', from: 2, to: 3 },
    ] as const) {
      expect(parseJourneyAddress(journeyPath(address))).toEqual(address);
    }
    expect(journeyPath({ kind: 'diff', id: 'a', from: 1, to: 'draft' })).toBe('/journeys/a/diff/1..draft');
  });

  it('name nothing for other pages and broken addresses', () => {
    for (const path of ['/', '/runs', '/journeys', '/journeys/', '/journeys/a/versions/x', '/journeys/a/diff/1', '/journeys/%E0%A4%A']) {
      expect(parseJourneyAddress(path)).toBeUndefined();
    }
    expect(parseJourneyAddress('/journeys/a/versions/0')).toEqual({ kind: 'journey', id: 'a' });
  });
});
