// The US telemarketing example simulated over contacts in every US time zone: no call is placed outside the allowed
// hours of any zone its contact may be in, judged from the run's events and the contact list alone.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { simulateJourney } from '../simulation.ts';
import { openStore } from '../store/dialect.ts';
import { isAllowedNow } from './hours.ts';
import { regionOverride } from './profiles/index.ts';
import { us } from './profiles/us.ts';
import { resolvePlace } from './timezones.ts';

const examples = new URL('../../examples/', import.meta.url);

it('places no call outside any contact’s allowed window', async () => {
  const document = JSON.parse(readFileSync(new URL('us-telemarketing.journey.json', examples), 'utf8')) as unknown;
  const csv = readFileSync(new URL('us-telemarketing.contacts.csv', examples), 'utf8');
  const store = openStore(':memory:');
  try {
    const report = await simulateJourney({ document, contactsCsv: csv, seed: 7, store, days: 10 });
    expect(report.completed).toBe(true);
    const contacts = new Map(
      (await store.db.selectFrom('contacts').select(['id', 'phone', 'timezone', 'state', 'postal_code']).execute()).map((c) => [c.id, c]),
    );
    const calls = await store.db.selectFrom('events').select(['contact_id', 'time']).where('type', '=', 'call.placed').execute();
    expect(calls.length).toBeGreaterThan(100);
    const zonesSeen = new Set<string>();
    const outside: string[] = [];
    for (const call of calls) {
      const c = contacts.get(call.contact_id!)!;
      const place = resolvePlace({ phone: c.phone, timezone: c.timezone, state: c.state, postalCode: c.postal_code }, 'US', 'America/New_York');
      // The federal hours and the state's own, read from the state rules table: both must be open.
      const state = regionOverride('US', place.region)?.hours?.channels.voice;
      const schedules = [us.hours.channels.voice!, ...(state ? [state] : [])];
      for (const zone of place.zones) {
        zonesSeen.add(zone);
        const local = DateTime.fromMillis(Number(call.time), { zone });
        if (!schedules.every((s) => isAllowedNow(s, zone, Number(call.time))))
          outside.push(`${call.contact_id} at ${local.toISO()} (${zone}, ${place.region ?? 'no state'})`);
      }
    }
    expect(outside).toEqual([]);
    for (const zone of [
      'America/New_York',
      'America/Chicago',
      'America/Denver',
      'America/Phoenix',
      'America/Los_Angeles',
      'America/Anchorage',
      'Pacific/Honolulu',
    ]) {
      expect(zonesSeen).toContain(zone);
    }
  } finally {
    await store.close();
  }
}, 180_000);
