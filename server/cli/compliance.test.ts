import { describe, expect, it } from 'vitest';
import { main } from './main.ts';
import { memoryIo } from './test-io.ts';

describe('journey compliance check', () => {
  it('prints { allowed, reasons, nextAllowedAt, timezones } as JSON and exits 1 when held', async () => {
    const t = memoryIo();
    const code = await main(['compliance', 'check', '--profile', 'US', '--channel', 'voice', '--phone', '+12085550123', '--at', '2026-01-14T08:30:00-07:00', '--json'], t.io);
    expect(code).toBe(1);
    const out = JSON.parse(t.stdout());
    expect(out).toMatchObject({ allowed: false, nextAllowedAt: '2026-01-14T16:00:00.000Z', timezones: ['America/Boise', 'America/Los_Angeles'], region: 'ID' });
    expect(out.reasons).toEqual([expect.objectContaining({ rule: 'US.hours', action: 'defer' })]);
  });

  it('applies the state given with --state and exits 0 when allowed', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'check', '--profile', 'US', '--phone', '+12125550100', '--state', 'FL', '--timezone', 'America/New_York', '--at', '2026-01-14T19:59:00-05:00'], t.io)).toBe(0);
    expect(t.stdout()).toContain('Allowed (US rules, FL; time zones America/New_York from the timezone)');
    const u = memoryIo();
    expect(await main(['compliance', 'check', '--profile', 'US', '--phone', '+12125550100', '--state', 'FL', '--timezone', 'America/New_York', '--at', '2026-01-14T20:00:00-05:00'], u.io)).toBe(1);
    expect(u.stdout()).toContain('held by US-FL.hours');
  });

  it('names bad input plainly', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'check', '--profile', 'FR', '--phone', '+33123456789', '--at', '2026-01-14T12:00:00Z'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/--profile must be one of US, UK, AU, NZ, not "FR"/);
    const u = memoryIo();
    expect(await main(['compliance', 'check', '--profile', 'UK', '--phone', '+442071234567', '--at', 'tomorrow'], u.io)).toBe(2);
    expect(u.stderr()).toMatch(/"tomorrow" is not a date and time/);
  });
});
