import { describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { memoryIo } from './test-io.ts';

describe('journey compliance rules', () => {
  it('prints every profile’s national row and every US state with its sources', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'rules'], t.io)).toBe(0);
    const out = t.stdout();
    for (const where of ['US *', 'UK *', 'AU', 'NZ', 'US-AL', 'US-DC', 'US-WY']) expect(out).toMatch(new RegExp(`^${where.replace('*', '\\*')}\\s`, 'm'));
    expect(out).toContain('US-MS: Mississippi Telephone Solicitation Act, Miss. Code 77-3-723(1).');
  });

  it('shows a state with its profile’s national row, and JSON for tools', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'rules', '--state', 'tx', '--json'], t.io)).toBe(0);
    const rows = JSON.parse(t.stdout());
    expect(rows.map((r: { region: string | null }) => r.region)).toEqual([null, 'TX']);
    expect(rows[1]).toMatchObject({ profile: 'US', region: 'TX', sunday: '12:00-21:00', textsCount: 'yes', checkedOn: '2026-12-03', confidence: 'medium' });
    expect(rows[1].sources[0]).toMatch(/Tex\. Bus\. & Com\. Code 301\.051/);
  });

  it('names bad input plainly', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'rules', '--profile', 'FR'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/--profile must be one of US, UK, AU, NZ.*not "FR"/);
    const u = memoryIo();
    expect(await main(['compliance', 'rules', '--state', 'XX'], u.io)).toBe(2);
    expect(u.stderr()).toMatch(/--state must be one of US's regions \(AL, AK, .*\), not "XX"/);
  });
});
