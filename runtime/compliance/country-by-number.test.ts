// A North American list in a US-profile journey, simulated on a virtual clock: each contact is held by its own
// number's country's rules, judged from the run's events alone.
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { simulateJourney } from '../simulation.ts';
import { openStore } from '../store/dialect.ts';

const journey = {
  schemaVersion: 1,
  id: 'north-america',
  name: 'North American calls',
  settings: { timezone: 'America/New_York', compliance: 'US', countries: ['US', 'CA'] },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'north-america' } }, next: { out: 'gate' } },
    gate: {
      type: 'compliance-gate',
      position: { x: 200, y: 0 },
      config: { channel: 'voice', checks: ['hours', 'holidays'], outsideHours: 'defer' },
      next: { allowed: 'may-call', blocked: 'may-not-call' },
    },
    'may-call': { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'may-call' } },
    'may-not-call': { type: 'end', position: { x: 400, y: 100 }, config: { outcome: 'may-not-call' } },
  },
};

// Saturday 2026-01-17, 19:00 in New York and Toronto (00:00Z on Sunday), 16:00 in Seattle and Vancouver.
const start = '2026-01-18T00:00:00.000Z';
const csv = [
  'external_id,first_name,phone',
  'seattle,Ann,+12065550100',
  'new-york,Ben,+12125550100',
  'toronto,Cleo,+14165550100',
  'vancouver,Dev,+16045550100',
  'london,Eve,+447400123456',
].join('\n');

it('holds each contact of a US journey by its own number’s country’s rules', async () => {
  const store = openStore(':memory:');
  try {
    const report = await simulateJourney({ document: journey, contactsCsv: csv, seed: 11, start, days: 2, store });
    expect(report.completed).toBe(true);
    const contacts = new Map((await store.db.selectFrom('contacts').select(['id', 'external_id']).execute()).map((c) => [c.id, c.external_id]));
    const events = await store.db.selectFrom('events').select(['contact_id', 'type', 'time', 'data']).orderBy('time').orderBy('seq').execute();
    const of = (who: string) =>
      events
        .filter((e) => contacts.get(e.contact_id!) === who)
        .map((e) => ({ type: e.type, at: new Date(Number(e.time)).toISOString(), data: JSON.parse(String(e.data)) as Record<string, unknown> }));
    // Each contact's zone and its country's hours, written out here rather than read from the profiles: US 08:00-21:00
    // every day (47 CFR 64.1200(c)(1)); Canada weekdays 09:00-21:30, weekends 10:00-18:00 (UTR Part III).
    const zones: Record<string, string> = {
      seattle: 'America/Los_Angeles',
      'new-york': 'America/New_York',
      toronto: 'America/Toronto',
      vancouver: 'America/Vancouver',
    };
    const country: Record<string, 'US' | 'CA'> = { seattle: 'US', 'new-york': 'US', toronto: 'CA', vancouver: 'CA' };
    const open = (who: string, at: string) => {
      const t = DateTime.fromISO(at, { zone: zones[who]! });
      const minute = t.hour * 60 + t.minute;
      if (country[who] === 'US') return minute >= 8 * 60 && minute < 21 * 60;
      return t.weekday <= 5 ? minute >= 9 * 60 && minute < 21 * 60 + 30 : minute >= 10 * 60 && minute < 18 * 60;
    };
    for (const who of Object.keys(zones)) {
      const done = of(who).find((e) => e.type === 'contact.completed')!;
      expect(done.data.outcome, who).toBe('may-call');
      expect(open(who, done.at), `${who} passed the gate at ${done.at}`).toBe(true);
    }

    // Saturday 19:00 in New York: the US rules allow it; the same hour in Toronto is past the Canadian weekend close.
    for (const who of ['seattle', 'new-york', 'vancouver']) {
      expect(
        of(who).filter((e) => e.type === 'compliance.deferred'),
        who,
      ).toEqual([]);
      expect(of(who).find((e) => e.type === 'contact.completed')!.at, who).toBe(start);
    }
    const held = of('toronto').filter((e) => e.type === 'compliance.deferred');
    expect(held).toHaveLength(1);
    expect(held[0]!.data).toMatchObject({ rule: 'CA.hours', timezone: 'America/Toronto', nextAllowedAt: '2026-01-18T15:00:00.000Z' });
    const passed = DateTime.fromISO(of('toronto').find((e) => e.type === 'contact.completed')!.at, { zone: 'America/Toronto' });
    expect(passed.toFormat('ccc HH:mm', { locale: 'en-GB' })).toBe('Sun 10:00');

    // The journey calls only the US and Canada: the UK number is blocked with the reason, before any country's rules.
    const blocked = of('london').filter((e) => e.type === 'compliance.blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.data).toMatchObject({ rule: 'countries.not-allowed' });
    expect(String(blocked[0]!.data.reason)).toContain('GB');
    expect(of('london').find((e) => e.type === 'contact.completed')!.data.outcome).toBe('may-not-call');
  } finally {
    await store.close();
  }
}, 120_000);
