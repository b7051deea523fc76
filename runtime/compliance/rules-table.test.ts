// The published rules: every US state and DC has a row with its sources, and docs/compliance.md holds exactly the
// tables the data generates now (run `npm run docs:compliance` after changing a profile).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { regionsOf } from './holidays.ts';
import { profiles } from './profiles/index.ts';
import { formatRulesText, rulesTable, withGeneratedRules } from './rules-table.ts';

const docs = new URL('../../docs/compliance.md', import.meta.url);

describe('the rules table', () => {
  const us = rulesTable({ profile: 'US' });
  const states = us.filter((r) => r.region);

  it('has a row for each of the 50 states and DC, after the federal row', () => {
    expect(us[0]).toMatchObject({ profile: 'US', region: null });
    const codes = states.map((r) => r.region);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(51);
    // date-holidays' US regions include the territories; every state and DC among them has a row.
    const territories = ['AS', 'GU', 'MP', 'PR', 'UM', 'VI'];
    expect([...codes].sort()).toEqual(
      regionsOf('US')
        .filter((r) => !territories.includes(r))
        .sort(),
    );
  });

  it('gives every state row a source, the day it was checked, a confidence and whether texts count', () => {
    for (const row of states) {
      expect(row.sources.length, row.region!).toBeGreaterThan(0);
      expect(row.checkedOn, row.region!).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(['high', 'medium', 'low'], row.region!).toContain(row.confidence);
      expect(['yes', 'no', 'not stated'], row.region!).toContain(row.textsCount);
      // A rule read second-hand only is low confidence or says why it is unsure.
      if (row.confidence === 'low' && row.ownHours) expect(row.uncertain.length, row.region!).toBeGreaterThan(0);
    }
  });

  it('has a national row for every profile that exists', () => {
    const national = rulesTable()
      .filter((r) => !r.region)
      .map((r) => r.profile);
    expect(national).toEqual(Object.keys(profiles).filter((id) => profiles[id as keyof typeof profiles]));
  });

  it('picks a state with its profile’s national row, since both apply', () => {
    expect(rulesTable({ profile: 'US', region: 'TX' }).map((r) => r.region)).toEqual([null, 'TX']);
    const text = formatRulesText(rulesTable({ profile: 'US', region: 'TX' }));
    expect(text).toContain('Mon-Sat 09:00-21:00, Sun 12:00-21:00');
    expect(text).toContain('Tex. Bus. & Com. Code 301.051');
  });

  it('docs/compliance.md holds the tables the data generates (npm run docs:compliance)', () => {
    const file = readFileSync(docs, 'utf8');
    expect(withGeneratedRules(file)).toBe(file);
  });
});
