import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateJourney } from '../../runtime/simulation.ts';
import { openStore } from '../../runtime/store/dialect.ts';
import { migrate } from '../../runtime/store/migrate.ts';
import { main } from './main.ts';
import { memoryIo } from './test-io.ts';

describe('journey compliance check', () => {
  it('prints { allowed, reasons, nextAllowedAt, timezones } as JSON and exits 1 when held', async () => {
    const t = memoryIo();
    const code = await main(
      ['compliance', 'check', '--profile', 'US', '--channel', 'voice', '--phone', '+12085550123', '--at', '2026-01-14T08:30:00-07:00', '--json'],
      t.io,
    );
    expect(code).toBe(1);
    const out = JSON.parse(t.stdout());
    expect(out).toMatchObject({ allowed: false, nextAllowedAt: '2026-01-14T16:00:00.000Z', timezones: ['America/Boise', 'America/Los_Angeles'], region: 'ID' });
    expect(out.reasons).toEqual([expect.objectContaining({ rule: 'US.hours', action: 'defer' })]);
  });

  it('applies the state given with --state and exits 0 when allowed', async () => {
    const t = memoryIo();
    expect(
      await main(
        [
          'compliance',
          'check',
          '--profile',
          'US',
          '--phone',
          '+12125550100',
          '--state',
          'FL',
          '--timezone',
          'America/New_York',
          '--at',
          '2026-01-14T19:59:00-05:00',
        ],
        t.io,
      ),
    ).toBe(0);
    expect(t.stdout()).toContain('Allowed (US rules, FL; time zones America/New_York from the timezone)');
    const u = memoryIo();
    expect(
      await main(
        [
          'compliance',
          'check',
          '--profile',
          'US',
          '--phone',
          '+12125550100',
          '--state',
          'FL',
          '--timezone',
          'America/New_York',
          '--at',
          '2026-01-14T20:00:00-05:00',
        ],
        u.io,
      ),
    ).toBe(1);
    expect(u.stdout()).toContain('held by US-FL.hours');
  });

  it('names bad input plainly', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'check', '--profile', 'FR', '--phone', '+33123456789', '--at', '2026-01-14T12:00:00Z'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/--profile must be one of US, UK, AU, NZ, CA, not "FR"/);
    const u = memoryIo();
    expect(await main(['compliance', 'check', '--profile', 'UK', '--phone', '+442071234567', '--at', 'tomorrow'], u.io)).toBe(2);
    expect(u.stderr()).toMatch(/"tomorrow" is not a date and time/);
  });
});

describe('journey compliance report', () => {
  let dir: string;
  let database: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journey-report-'));
    database = join(dir, 'journeys.db');
    const store = openStore(database);
    try {
      await migrate(store);
      const document = {
        schemaVersion: 1,
        id: 'calls',
        name: 'Calls',
        settings: { timezone: 'America/New_York', compliance: 'US' },
        nodes: {
          start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
          gate: {
            type: 'compliance-gate',
            position: { x: 100, y: 0 },
            config: { channel: 'voice', checks: ['hours'] },
            next: { allowed: 'call', blocked: 'done' },
          },
          call: {
            type: 'dialer',
            position: { x: 200, y: 0 },
            config: { mode: 'progressive', queue: 'team', script: 'Hello', callerId: '+12025550199' },
            next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
          },
          done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'done' } },
        },
      };
      const contacts = [
        'external_id,phone,timezone,consent_voice',
        ...Array.from({ length: 30 }, (_, i) => `P${i},+1202555${3000 + i},America/New_York,yes`),
      ].join('\n');
      await simulateJourney({ document, contactsCsv: contacts, seed: 8, store, options: { agents: { team: 2 } } });
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the JSON report of a run read from the database', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'report', 'simulation-8', '--database', database], t.io)).toBe(0);
    const report = JSON.parse(t.stdout());
    expect(report).toMatchObject({
      run: { id: 'simulation-8', mode: 'simulated' },
      profile: { id: 'US' },
      summary: { callsPlaced: 30, unanswered: { underMinimum: 0 } },
    });
  });

  it('writes the CSV to --out and says what it holds', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'report', 'simulation-8', '--format', 'csv', '--out', 'report.csv', '--database', database], t.io)).toBe(0);
    expect(t.files['report.csv']).toMatch(/^Compliance report\r\nField,Value\r\nRun,simulation-8\r\n/);
    expect(t.files['report.csv']).toContain('\r\nCalls placed,30\r\n');
    expect(t.stderr()).toMatch(
      /^Wrote the compliance report of simulation-8 to report.csv: 30 calls placed, \d+ live answers, \d+ abandoned \(\d+\.\d\d %\), 0 unanswered calls rung under 15 s\n$/,
    );
  });

  it('names a missing run and a bad format plainly', async () => {
    const t = memoryIo();
    expect(await main(['compliance', 'report', 'nope', '--database', database], t.io)).toBe(1);
    expect(t.stderr()).toContain('The run "nope" does not exist in');
    const u = memoryIo();
    expect(await main(['compliance', 'report', 'simulation-8', '--format', 'pdf', '--database', database], u.io)).toBe(2);
    expect(u.stderr()).toContain('--format must be json or csv, not "pdf"');
    const v = memoryIo();
    expect(await main(['compliance', 'report', '--database', database], v.io)).toBe(2);
    expect(v.stderr()).toContain('needs one run id');
  });
});
