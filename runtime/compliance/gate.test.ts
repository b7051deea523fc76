// The compliance rules as a table: each case names the rule it checks, the moment in the contact's local time, and the
// decision expected (allowed, held until a moment, or blocked), across the US and its states, the UK, AU and NZ.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { checkGate, type ContactHistory, type GateContact, type GateRequest, type RegistryView } from './gate.ts';
import type { Channel } from './hours.ts';
import { smsKeyword, type KeywordKind } from './keywords.ts';

/** A local wall-clock time in a zone, as milliseconds. */
const local = (zone: string, text: string) => {
  const t = DateTime.fromISO(text, { zone });
  if (!t.isValid) throw new Error(`bad time ${text} in ${zone}`);
  return t.toMillis();
};

type Expected = { allowed: true } | { action: 'defer'; rule?: string; until?: number } | { action: 'block'; rule: string };

interface Case {
  /** The rule the case checks, as the gate names it. */
  rule: string;
  name: string;
  profile: ComplianceProfileId;
  channel?: Channel;
  contact: Partial<GateContact>;
  at: number;
  request?: Partial<Pick<GateRequest, 'checks' | 'outsideHours' | 'agentGuaranteed' | 'history' | 'registry'>>;
  expected: Expected;
}

const allowed = { allowed: true } as const;
const held = (rule: string, until?: number): Expected => ({ action: 'defer', rule, ...(until !== undefined && { until }) });
const blocked = (rule: string): Expected => ({ action: 'block', rule });

const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// ---- Calling hours at each boundary, the minute before and the minute at it. 2026-01-14 is a Wednesday.
const usZones: [string, string][] = [
  ['America/New_York', '+12125550100'],
  ['America/Chicago', '+13125550100'],
  ['America/Denver', '+13035550100'],
  ['America/Phoenix', '+16025550100'],
  ['America/Los_Angeles', '+14155550100'],
  ['America/Anchorage', '+19075550100'],
  ['Pacific/Honolulu', '+18085550100'],
];
for (const [zone, phone] of usZones) {
  const contact = { timezone: zone, phone };
  add({
    rule: 'US.hours',
    name: `US ${zone} 07:59: held to 08:00`,
    profile: 'US',
    contact,
    at: local(zone, '2026-01-14T07:59'),
    expected: held('US.hours', local(zone, '2026-01-14T08:00')),
  });
  add({ rule: 'US.hours', name: `US ${zone} 08:00: allowed`, profile: 'US', contact, at: local(zone, '2026-01-14T08:00'), expected: allowed });
  add({ rule: 'US.hours', name: `US ${zone} 20:59: allowed`, profile: 'US', contact, at: local(zone, '2026-01-14T20:59'), expected: allowed });
  add({
    rule: 'US.hours',
    name: `US ${zone} 21:00: held to the next morning`,
    profile: 'US',
    contact,
    at: local(zone, '2026-01-14T21:00'),
    expected: held('US.hours', local(zone, '2026-01-15T08:00')),
  });
}

// States with 08:00-20:00, given as the contact's state.
const eightToEightStates: [string, string, string][] = [
  ['FL', 'America/New_York', '+13055550100'],
  ['OK', 'America/Chicago', '+19185550100'],
  ['MD', 'America/New_York', '+14105550100'],
  ['WA', 'America/Los_Angeles', '+12065550100'],
];
for (const [state, zone, phone] of eightToEightStates) {
  const contact = { state, timezone: zone, phone: '+12125550100' };
  add({
    rule: `US-${state}.hours`,
    name: `${state} 07:59: held`,
    profile: 'US',
    contact,
    at: local(zone, '2026-01-14T07:59'),
    expected: held(`US-${state}.hours`, local(zone, '2026-01-14T08:00')),
  });
  add({ rule: `US-${state}.hours`, name: `${state} 08:00: allowed`, profile: 'US', contact, at: local(zone, '2026-01-14T08:00'), expected: allowed });
  add({ rule: `US-${state}.hours`, name: `${state} 19:59: allowed`, profile: 'US', contact, at: local(zone, '2026-01-14T19:59'), expected: allowed });
  add({
    rule: `US-${state}.hours`,
    name: `${state} 20:00: held to 08:00`,
    profile: 'US',
    contact,
    at: local(zone, '2026-01-14T20:00'),
    expected: held(`US-${state}.hours`, local(zone, '2026-01-15T08:00')),
  });
  add({
    rule: `US-${state}.hours`,
    name: `${state} 20:00 with the state gate blocking`,
    profile: 'US',
    contact,
    at: local(zone, '2026-01-14T20:00'),
    request: { outsideHours: 'block' },
    expected: blocked(`US-${state}.hours`),
  });
  // No state given: presumed from the area code.
  const presumed = { phone, timezone: zone };
  add({
    rule: `US-${state}.hours`,
    name: `${state} presumed from area code ${phone.slice(2, 5)}, 20:00: held`,
    profile: 'US',
    contact: presumed,
    at: local(zone, '2026-01-14T20:00'),
    expected: held(`US-${state}.hours`),
  });
  add({
    rule: `US-${state}.hours`,
    name: `${state} presumed from area code ${phone.slice(2, 5)}, 19:59: allowed`,
    profile: 'US',
    contact: presumed,
    at: local(zone, '2026-01-14T19:59'),
    expected: allowed,
  });
}
add({
  rule: 'US-WA.hours',
  name: 'WA hours apply to texts too',
  profile: 'US',
  channel: 'sms',
  contact: { state: 'WA', timezone: 'America/Los_Angeles', phone: '+12065550100', consent: { sms: true } },
  at: local('America/Los_Angeles', '2026-01-14T20:30'),
  expected: held('US-WA.hours'),
});
add({
  rule: 'US.hours',
  name: 'email has no hours (US)',
  profile: 'US',
  channel: 'email',
  contact: { timezone: 'America/New_York', email: 'a@example.com' },
  at: local('America/New_York', '2026-01-14T03:00'),
  expected: allowed,
});

const ukContact = { timezone: 'Europe/London', phone: '+442071234567' };
const ukHours: [string, string, Expected][] = [
  ['2026-01-14T07:59', 'weekday 07:59', held('UK.hours', local('Europe/London', '2026-01-14T08:00'))],
  ['2026-01-14T08:00', 'weekday 08:00', allowed],
  ['2026-01-14T20:59', 'weekday 20:59', allowed],
  ['2026-01-14T21:00', 'weekday 21:00', held('UK.hours', local('Europe/London', '2026-01-15T08:00'))],
  ['2026-01-17T08:59', 'Saturday 08:59', held('UK.hours', local('Europe/London', '2026-01-17T09:00'))],
  ['2026-01-17T09:00', 'Saturday 09:00', allowed],
  ['2026-01-17T20:59', 'Saturday 20:59', allowed],
  ['2026-01-17T21:00', 'Saturday 21:00: held past Sunday', held('UK.hours', local('Europe/London', '2026-01-19T08:00'))],
  ['2026-01-18T12:00', 'Sunday noon', held('UK.hours', local('Europe/London', '2026-01-19T08:00'))],
];
for (const [at, name, expected] of ukHours)
  add({ rule: 'UK.hours', name: `UK ${name}`, profile: 'UK', contact: ukContact, at: local('Europe/London', at), expected });

const auHours = (zone: string, phone: string, label: string) => {
  const contact = { timezone: zone, phone };
  const rows: [string, string, Expected][] = [
    ['2026-01-14T08:59', 'weekday 08:59', held('AU.hours', local(zone, '2026-01-14T09:00'))],
    ['2026-01-14T09:00', 'weekday 09:00', allowed],
    ['2026-01-14T19:59', 'weekday 19:59', allowed],
    ['2026-01-14T20:00', 'weekday 20:00', held('AU.hours', local(zone, '2026-01-15T09:00'))],
    ['2026-01-17T08:59', 'Saturday 08:59', held('AU.hours', local(zone, '2026-01-17T09:00'))],
    ['2026-01-17T16:59', 'Saturday 16:59', allowed],
    ['2026-01-17T17:00', 'Saturday 17:00: held past Sunday', held('AU.hours', local(zone, '2026-01-19T09:00'))],
    ['2026-01-18T12:00', 'Sunday noon', held('AU.hours', local(zone, '2026-01-19T09:00'))],
  ];
  for (const [at, name, expected] of rows) add({ rule: 'AU.hours', name: `AU ${label} ${name}`, profile: 'AU', contact, at: local(zone, at), expected });
};
auHours('Australia/Sydney', '+61298765432', 'Sydney');
auHours('Australia/Brisbane', '+61731234567', 'Brisbane');
auHours('Australia/Perth', '+61893001234', 'Perth');

const nzContact = { timezone: 'Pacific/Auckland', phone: '+6493001234' };
const nzHours: [string, string, Expected][] = [
  ['2026-01-14T08:59', 'weekday 08:59', held('NZ.hours', local('Pacific/Auckland', '2026-01-14T09:00'))],
  ['2026-01-14T09:00', 'weekday 09:00', allowed],
  ['2026-01-14T20:59', 'weekday 20:59', allowed],
  ['2026-01-14T21:00', 'weekday 21:00', held('NZ.hours', local('Pacific/Auckland', '2026-01-15T09:00'))],
  ['2026-01-17T17:59', 'Saturday 17:59', allowed],
  // Monday 19 January is Wellington's anniversary day; with the region unknown it counts, so Tuesday is the next day.
  ['2026-01-17T18:00', 'Saturday 18:00: held past Sunday and a regional Monday holiday', held('NZ.hours', local('Pacific/Auckland', '2026-01-20T09:00'))],
  ['2026-01-18T10:00', 'Sunday', held('NZ.hours', local('Pacific/Auckland', '2026-01-20T09:00'))],
];
for (const [at, name, expected] of nzHours)
  add({ rule: 'NZ.hours', name: `NZ ${name}`, profile: 'NZ', contact: nzContact, at: local('Pacific/Auckland', at), expected });

// ---- Daylight-saving switch days.
for (const [zone, phone] of [
  ['America/New_York', '+12125550100'],
  ['America/Los_Angeles', '+14155550100'],
] as const) {
  const contact = { timezone: zone, phone };
  for (const day of ['2026-03-08', '2026-11-01']) {
    const label = day === '2026-03-08' ? 'spring-forward' : 'fall-back';
    add({
      rule: 'US.hours',
      name: `US ${zone} ${label} day 07:59: held to 08:00`,
      profile: 'US',
      contact,
      at: local(zone, `${day}T07:59`),
      expected: held('US.hours', local(zone, `${day}T08:00`)),
    });
    add({ rule: 'US.hours', name: `US ${zone} ${label} day 08:00: allowed`, profile: 'US', contact, at: local(zone, `${day}T08:00`), expected: allowed });
    add({ rule: 'US.hours', name: `US ${zone} ${label} day 20:59: allowed`, profile: 'US', contact, at: local(zone, `${day}T20:59`), expected: allowed });
    add({
      rule: 'US.hours',
      name: `US ${zone} ${label} day 21:00: held`,
      profile: 'US',
      contact,
      at: local(zone, `${day}T21:00`),
      expected: held('US.hours', local(zone, `${DateTime.fromISO(day).plus({ days: 1 }).toISODate()!}T08:00`)),
    });
  }
  add({
    rule: 'US.hours',
    name: `US ${zone} during the skipped hour: held to 08:00 daylight time`,
    profile: 'US',
    contact,
    at: Date.parse(zone === 'America/New_York' ? '2026-03-08T07:30:00Z' : '2026-03-08T10:30:00Z'),
    expected: held('US.hours', local(zone, '2026-03-08T08:00')),
  });
}
// UK: clocks change on Sundays (29 March, 25 October 2026), when no calls are made anyway.
add({
  rule: 'UK.hours',
  name: 'UK Saturday 21:00 before spring-forward: held to Monday 08:00 BST',
  profile: 'UK',
  contact: ukContact,
  at: local('Europe/London', '2026-03-28T21:00'),
  expected: held('UK.hours', Date.parse('2026-03-30T07:00:00Z')),
});
add({
  rule: 'UK.hours',
  name: 'UK Monday 07:59 BST after spring-forward: held',
  profile: 'UK',
  contact: ukContact,
  at: Date.parse('2026-03-30T06:59:00Z'),
  expected: held('UK.hours', Date.parse('2026-03-30T07:00:00Z')),
});
add({
  rule: 'UK.hours',
  name: 'UK Saturday 21:00 before fall-back: held to Monday 08:00 GMT',
  profile: 'UK',
  contact: ukContact,
  at: local('Europe/London', '2026-10-24T21:00'),
  expected: held('UK.hours', Date.parse('2026-10-26T08:00:00Z')),
});
add({
  rule: 'UK.hours',
  name: 'UK Monday 08:00 GMT after fall-back: allowed',
  profile: 'UK',
  contact: ukContact,
  at: Date.parse('2026-10-26T08:00:00Z'),
  expected: allowed,
});
// AU: Sydney falls back on Sunday 5 April and springs forward on Sunday 4 October 2026; Queensland keeps +10.
const sydney = { timezone: 'Australia/Sydney', phone: '+61298765432' };
const brisbane = { timezone: 'Australia/Brisbane', phone: '+61731234567' };
// Sydney falls back on Easter Sunday 2026: Thursday evening is held over Easter to Tuesday 09:00, now at +10.
add({
  rule: 'AU.hours',
  name: 'AU Sydney Thursday 20:00 before Easter and fall-back: held to Tuesday 09:00 AEST',
  profile: 'AU',
  contact: sydney,
  at: local('Australia/Sydney', '2026-04-02T20:00'),
  expected: held('AU.hours', Date.parse('2026-04-06T23:00:00Z')),
});
add({
  rule: 'AU.hours',
  name: 'AU Sydney Tuesday 08:59 AEST after fall-back: held',
  profile: 'AU',
  contact: sydney,
  at: Date.parse('2026-04-06T22:59:00Z'),
  expected: held('AU.hours', Date.parse('2026-04-06T23:00:00Z')),
});
// Monday 5 October is Labour Day in NSW, ACT, SA and QLD, so the first day after spring-forward is Tuesday.
add({
  rule: 'AU.hours',
  name: 'AU Sydney Saturday 17:00 before spring-forward: held to Tuesday 09:00 AEDT',
  profile: 'AU',
  contact: sydney,
  at: local('Australia/Sydney', '2026-10-03T17:00'),
  expected: held('AU.hours', Date.parse('2026-10-05T22:00:00Z')),
});
add({
  rule: 'AU.hours',
  name: 'AU Sydney Tuesday 09:00 AEDT after spring-forward: allowed',
  profile: 'AU',
  contact: sydney,
  at: Date.parse('2026-10-05T22:00:00Z'),
  expected: allowed,
});
add({
  rule: 'AU.hours',
  name: 'AU Brisbane has no daylight saving: 08:59 +10 on the Tuesday after Sydney springs forward',
  profile: 'AU',
  contact: brisbane,
  at: Date.parse('2026-10-05T22:59:00Z'),
  expected: held('AU.hours', Date.parse('2026-10-05T23:00:00Z')),
});
add({
  rule: 'AU.hours',
  name: 'AU Brisbane 09:00 +10 while Sydney is at 10:00: allowed',
  profile: 'AU',
  contact: brisbane,
  at: Date.parse('2026-10-05T23:00:00Z'),
  expected: allowed,
});
// NZ: Auckland falls back on Sunday 5 April and springs forward on Sunday 27 September 2026.
// Auckland falls back on Easter Sunday; Easter Monday is a holiday, so Tuesday 09:00 at +12 is the next opening for a
// contact known to be in Auckland (Tuesday is Southland's anniversary day, which counts when the region is unknown).
const aucklander = { ...nzContact, state: 'AUK' };
add({
  rule: 'NZ.hours',
  name: 'NZ Auckland Saturday 18:00 before fall-back: held to Tuesday 09:00 NZST',
  profile: 'NZ',
  contact: aucklander,
  at: local('Pacific/Auckland', '2026-04-04T18:00'),
  expected: held('NZ.hours', Date.parse('2026-04-06T21:00:00Z')),
});
add({
  rule: 'NZ.hours',
  name: 'NZ Auckland Tuesday 08:59 NZST after fall-back: held',
  profile: 'NZ',
  contact: aucklander,
  at: Date.parse('2026-04-06T20:59:00Z'),
  expected: held('NZ.hours', Date.parse('2026-04-06T21:00:00Z')),
});
add({
  rule: 'NZ.hours',
  name: 'NZ Saturday 18:00 before spring-forward: held to Monday 09:00 NZDT',
  profile: 'NZ',
  contact: nzContact,
  at: local('Pacific/Auckland', '2026-09-26T18:00'),
  expected: held('NZ.hours', Date.parse('2026-09-27T20:00:00Z')),
});
add({
  rule: 'NZ.hours',
  name: 'NZ Monday 09:00 NZDT after spring-forward: allowed',
  profile: 'NZ',
  contact: nzContact,
  at: Date.parse('2026-09-27T20:00:00Z'),
  expected: allowed,
});

// ---- Numbers whose prefix spans several zones: only the overlap of the windows is allowed.
const idaho = { phone: '+12085550123' };
add({
  rule: 'US.hours',
  name: 'area code 208 (Mountain and Pacific), 08:30 Mountain = 07:30 Pacific: held to 08:00 Pacific',
  profile: 'US',
  contact: idaho,
  at: local('America/Boise', '2026-01-14T08:30'),
  expected: held('US.hours', local('America/Los_Angeles', '2026-01-14T08:00')),
});
add({
  rule: 'US.hours',
  name: 'area code 208, 09:00 Mountain = 08:00 Pacific: allowed',
  profile: 'US',
  contact: idaho,
  at: local('America/Boise', '2026-01-14T09:00'),
  expected: allowed,
});
add({
  rule: 'US.hours',
  name: 'area code 208, 20:59 Mountain: allowed',
  profile: 'US',
  contact: idaho,
  at: local('America/Boise', '2026-01-14T20:59'),
  expected: allowed,
});
add({
  rule: 'US.hours',
  name: 'area code 208, 21:00 Mountain = 20:00 Pacific: held',
  profile: 'US',
  contact: idaho,
  at: local('America/Boise', '2026-01-14T21:00'),
  expected: held('US.hours', local('America/Los_Angeles', '2026-01-15T08:00')),
});
const dakota = { phone: '+16055550100' };
// 605 is South Dakota's only area code, so its weekday 09:00-21:00 rule for automated dialing applies too.
add({
  rule: 'US-SD.hours',
  name: 'area code 605 (Central and Mountain), 08:30 Central = 07:30 Mountain: held to 09:00 Mountain',
  profile: 'US',
  contact: dakota,
  at: local('America/Chicago', '2026-01-14T08:30'),
  expected: held('US-SD.hours', local('America/Denver', '2026-01-14T09:00')),
});
add({
  rule: 'US.hours',
  name: 'area code 605, 20:59 Central: allowed',
  profile: 'US',
  contact: dakota,
  at: local('America/Chicago', '2026-01-14T20:59'),
  expected: allowed,
});
add({
  rule: 'US-SD.hours',
  name: 'area code 605, 21:00 Central: held',
  profile: 'US',
  contact: dakota,
  at: local('America/Chicago', '2026-01-14T21:00'),
  expected: held('US-SD.hours'),
});
add({
  rule: 'US.hours',
  name: 'area code 907 (Alaska and Aleutian), 08:30 Anchorage = 07:30 Adak: held',
  profile: 'US',
  contact: { phone: '+19075550100' },
  at: local('America/Anchorage', '2026-01-14T08:30'),
  expected: held('US.hours', local('America/Adak', '2026-01-14T08:00')),
});
add({
  rule: 'US.hours',
  name: 'a toll-free number could be anywhere in the US: 10:00 New York = 05:00 Honolulu, held',
  profile: 'US',
  contact: { phone: '+18005550100' },
  at: local('America/New_York', '2026-01-14T10:00'),
  expected: held('US.hours'),
});
add({
  rule: 'US.hours',
  name: 'a toll-free number at 15:00 New York = 10:00 Honolulu: allowed',
  profile: 'US',
  contact: { phone: '+18005550100' },
  at: local('America/New_York', '2026-01-14T15:00'),
  expected: allowed,
});
const auMobile = { phone: '+61412345678' };
add({
  rule: 'AU.hours',
  name: 'AU mobile (any zone), weekday 00:59Z = 08:59 Perth: held',
  profile: 'AU',
  contact: auMobile,
  at: Date.parse('2026-01-14T00:59:00Z'),
  expected: held('AU.hours', Date.parse('2026-01-14T01:00:00Z')),
});
add({
  rule: 'AU.hours',
  name: 'AU mobile, weekday 01:00Z = 09:00 Perth, 12:00 Sydney: allowed',
  profile: 'AU',
  contact: auMobile,
  at: Date.parse('2026-01-14T01:00:00Z'),
  expected: allowed,
});
add({
  rule: 'AU.hours',
  name: 'AU mobile, weekday 08:59Z = 19:59 Sydney: allowed',
  profile: 'AU',
  contact: auMobile,
  at: Date.parse('2026-01-14T08:59:00Z'),
  expected: allowed,
});
add({
  rule: 'AU.hours',
  name: 'AU mobile, weekday 09:00Z = 20:00 Sydney: held',
  profile: 'AU',
  contact: auMobile,
  at: Date.parse('2026-01-14T09:00:00Z'),
  expected: held('AU.hours', Date.parse('2026-01-15T01:00:00Z')),
});
add({
  rule: 'AU.hours',
  name: 'AU mobile, Saturday 06:00Z = 17:00 Sydney: held to Monday',
  profile: 'AU',
  contact: auMobile,
  at: Date.parse('2026-01-17T06:00:00Z'),
  expected: held('AU.hours', Date.parse('2026-01-19T01:00:00Z')),
});
add({
  rule: 'AU.hours',
  name: 'AU number with a state: QLD decides the zone',
  profile: 'AU',
  contact: { phone: '+61412345678', state: 'QLD' },
  at: local('Australia/Brisbane', '2026-01-14T09:00'),
  expected: allowed,
});
add({
  rule: 'AU.hours',
  name: 'AU landline 08 9 (Perth and Adelaide), 09:00 Adelaide = 06:30 Perth: held',
  profile: 'AU',
  contact: { phone: '+61893001234' },
  at: local('Australia/Adelaide', '2026-01-14T09:00'),
  expected: held('AU.hours', local('Australia/Perth', '2026-01-14T09:00')),
});
add({
  rule: 'NZ.hours',
  name: 'NZ mobile (Auckland and Chatham), 20:30 Auckland = 21:15 Chatham: held',
  profile: 'NZ',
  contact: { phone: '+64211234567' },
  at: local('Pacific/Auckland', '2026-01-14T20:30'),
  expected: held('NZ.hours'),
});
add({
  rule: 'NZ.hours',
  name: 'NZ mobile, 20:00 Auckland = 20:45 Chatham: allowed',
  profile: 'NZ',
  contact: { phone: '+64211234567' },
  at: local('Pacific/Auckland', '2026-01-14T20:00'),
  expected: allowed,
});
add({
  rule: 'US.hours',
  name: 'ZIP code 83702 places an Idaho contact in Boise alone: 08:30 Mountain allowed',
  profile: 'US',
  contact: { phone: '+12085550123', postalCode: '83702' },
  at: local('America/Boise', '2026-01-14T08:30'),
  expected: allowed,
});
add({
  rule: 'US.hours',
  name: 'an explicit zone beats the phone: 208 number in Boise at 08:30',
  profile: 'US',
  contact: { phone: '+12085550123', timezone: 'America/Boise' },
  at: local('America/Boise', '2026-01-14T08:30'),
  expected: allowed,
});
add({
  rule: 'US-TX.hours',
  name: 'state TX (Central and Mountain) without zone: 08:30 Central held to 09:00 Mountain (Tex. Bus. & Com. Code 301.051)',
  profile: 'US',
  contact: { phone: '+12125550100', state: 'TX' },
  at: local('America/Chicago', '2026-01-14T08:30'),
  expected: held('US-TX.hours', local('America/Denver', '2026-01-14T09:00')),
});
add({
  rule: 'US.hours.timezone',
  name: 'nothing tells the zone and the journey zone is unknown: blocked',
  profile: 'US',
  contact: { phone: null, email: 'a@example.com' },
  at: Date.parse('2026-01-14T15:00:00Z'),
  request: { checks: ['hours'] },
  expected: blocked('US.hours.timezone'),
});

// ---- Holidays. 2026-02-17 Mardi Gras (Tue); 2026-04-27 Confederate Memorial Day (Mon); 2026-07-24 Pioneer Day (Fri).
const stateHoliday = (state: string, zone: string, day: string, name: string, expectHeld: boolean) =>
  add({
    rule: `US-${state}.holidays`,
    name: `${state} ${name} (${day}) at noon: ${expectHeld ? 'held' : 'allowed'}`,
    profile: 'US',
    contact: { state, timezone: zone, phone: '+12125550100' },
    at: local(zone, `${day}T12:00`),
    expected: expectHeld ? held(`US-${state}.holidays`) : allowed,
  });
stateHoliday('LA', 'America/Chicago', '2026-02-17', 'Mardi Gras', true);
stateHoliday('LA', 'America/Chicago', '2026-02-18', 'the day after Mardi Gras', false);
stateHoliday('LA', 'America/Chicago', '2026-11-26', 'Thanksgiving', true);
// Alabama's holiday ban binds telephone utilities only, and Mississippi's ended with its PSC rules (state-rules.test.ts).
stateHoliday('AL', 'America/Chicago', '2026-04-27', 'Confederate Memorial Day', false);
stateHoliday('MS', 'America/Chicago', '2026-12-25', 'Christmas', false);
stateHoliday('RI', 'America/New_York', '2026-08-10', 'Victory Day', true);
stateHoliday('RI', 'America/New_York', '2026-07-03', 'Independence Day (substitute day)', true);
stateHoliday('UT', 'America/Denver', '2026-07-24', 'Pioneer Day', true);
stateHoliday('UT', 'America/Denver', '2026-07-23', 'the day before Pioneer Day', false);
add({
  rule: 'US.holidays',
  name: 'NY has no holiday rule: Christmas at noon allowed',
  profile: 'US',
  contact: { state: 'NY', timezone: 'America/New_York', phone: '+12125550100' },
  at: local('America/New_York', '2026-12-25T12:00'),
  expected: allowed,
});
add({
  rule: 'US-LA.hours',
  name: 'LA forbids Sunday calls',
  profile: 'US',
  contact: { state: 'LA', timezone: 'America/Chicago', phone: '+15045550100' },
  at: local('America/Chicago', '2026-01-18T12:00'),
  expected: held('US-LA.hours'),
});
add({
  rule: 'US-RI.hours',
  name: 'RI weekday 18:00: held',
  profile: 'US',
  contact: { state: 'RI', timezone: 'America/New_York', phone: '+14015550100' },
  at: local('America/New_York', '2026-01-14T18:00'),
  expected: held('US-RI.hours', local('America/New_York', '2026-01-15T09:00')),
});
add({
  rule: 'US-LA.holidays',
  name: 'LA presumed from area code 504 on Mardi Gras: held to Wednesday 08:00',
  profile: 'US',
  contact: { phone: '+15045550100' },
  at: local('America/Chicago', '2026-02-17T12:00'),
  expected: held('US-LA.holidays', local('America/Chicago', '2026-02-18T08:00')),
});
add({
  rule: 'US-LA.holidays',
  name: 'holidays check off: LA Mardi Gras allowed',
  profile: 'US',
  contact: { state: 'LA', timezone: 'America/Chicago', phone: '+15045550100' },
  at: local('America/Chicago', '2026-02-17T12:00'),
  request: { checks: ['hours', 'dnc'] },
  expected: allowed,
});
add({
  rule: 'UK.holidays',
  name: 'UK Christmas Day: held to Tuesday 29th (Boxing Day substitute on the 28th)',
  profile: 'UK',
  contact: ukContact,
  at: local('Europe/London', '2026-12-25T12:00'),
  expected: held('UK.holidays', local('Europe/London', '2026-12-29T08:00')),
});
add({
  rule: 'UK.holidays',
  name: 'UK 2 January, a Scottish bank holiday, nation unknown: held',
  profile: 'UK',
  contact: ukContact,
  at: local('Europe/London', '2026-01-02T12:00'),
  expected: held('UK.holidays'),
});
add({
  rule: 'UK.holidays',
  name: 'UK 2 January for a contact in England: allowed',
  profile: 'UK',
  contact: { ...ukContact, state: 'ENG' },
  at: local('Europe/London', '2026-01-02T12:00'),
  expected: allowed,
});
add({
  rule: 'UK.holidays',
  name: 'UK 2 January for a contact in Scotland: held',
  profile: 'UK',
  contact: { ...ukContact, state: 'SCT' },
  at: local('Europe/London', '2026-01-02T12:00'),
  expected: held('UK.holidays'),
});
add({
  rule: 'UK.holidays',
  name: 'UK Early May bank holiday: held',
  profile: 'UK',
  contact: ukContact,
  at: local('Europe/London', '2026-05-04T12:00'),
  expected: held('UK.holidays', local('Europe/London', '2026-05-05T08:00')),
});
add({
  rule: 'UK.holidays',
  name: 'UK Christmas with the gate blocking: blocked',
  profile: 'UK',
  contact: ukContact,
  at: local('Europe/London', '2026-12-25T12:00'),
  request: { outsideHours: 'block' },
  expected: blocked('UK.holidays'),
});
add({
  rule: 'AU.holidays',
  name: 'AU Australia Day (Monday 26 January): held to Tuesday',
  profile: 'AU',
  contact: sydney,
  at: local('Australia/Sydney', '2026-01-26T12:00'),
  expected: held('AU.holidays', local('Australia/Sydney', '2026-01-27T09:00')),
});
add({
  rule: 'AU.holidays',
  name: 'AU Melbourne Cup for a contact in VIC: held',
  profile: 'AU',
  contact: { phone: '+61398765432', state: 'VIC' },
  at: local('Australia/Melbourne', '2026-11-03T12:00'),
  expected: held('AU.holidays'),
});
add({
  rule: 'AU.holidays',
  name: 'AU Melbourne Cup for a contact in NSW: allowed',
  profile: 'AU',
  contact: { phone: '+61298765432', state: 'NSW' },
  at: local('Australia/Sydney', '2026-11-03T12:00'),
  expected: allowed,
});
add({
  rule: 'AU.holidays',
  name: 'AU Melbourne Cup, state unknown: held (every state counts)',
  profile: 'AU',
  contact: sydney,
  at: local('Australia/Sydney', '2026-11-03T12:00'),
  expected: held('AU.holidays'),
});
add({
  rule: 'AU.holidays',
  name: 'AU Good Friday texts: held',
  profile: 'AU',
  channel: 'sms',
  contact: { ...sydney, consent: { sms: true } },
  at: local('Australia/Sydney', '2026-04-03T12:00'),
  expected: held('AU.holidays'),
});
add({
  rule: 'AU.holidays',
  name: 'AU Good Friday email: allowed (no email rule)',
  profile: 'AU',
  channel: 'email',
  contact: { ...sydney, email: 'a@example.com', consent: { email: true } },
  at: local('Australia/Sydney', '2026-04-03T12:00'),
  expected: allowed,
});
add({
  rule: 'NZ.holidays',
  name: 'NZ Waitangi Day: held to Monday',
  profile: 'NZ',
  contact: nzContact,
  at: local('Pacific/Auckland', '2026-02-06T12:00'),
  expected: held('NZ.holidays', local('Pacific/Auckland', '2026-02-07T09:00')),
});
add({
  rule: 'NZ.holidays',
  name: 'NZ Matariki: held',
  profile: 'NZ',
  contact: nzContact,
  at: local('Pacific/Auckland', '2026-07-10T12:00'),
  expected: held('NZ.holidays'),
});
add({
  rule: 'NZ.holidays',
  name: 'NZ Auckland Anniversary for a contact in AUK: held',
  profile: 'NZ',
  contact: { ...nzContact, state: 'AUK' },
  at: local('Pacific/Auckland', '2026-01-26T12:00'),
  expected: held('NZ.holidays'),
});
add({
  rule: 'NZ.holidays',
  name: 'NZ Auckland Anniversary for a contact in CAN: allowed',
  profile: 'NZ',
  contact: { ...nzContact, state: 'CAN' },
  at: local('Pacific/Auckland', '2026-01-26T12:00'),
  expected: allowed,
});

// ---- National registers: fresh, stale, missing, listed, consent.
const day = 24 * 60 * 60 * 1000;
const registry = (ageDays: number | undefined, listed: string[] = [], at = 0): RegistryView => ({
  downloadedAt: () => (ageDays === undefined ? undefined : at - ageDays * day),
  isListed: (_p, v) => listed.includes(v),
});
const registerCases: [ComplianceProfileId, number, string, string][] = [
  ['US', 31, 'America/New_York', '+12125550100'],
  ['UK', 28, 'Europe/London', '+442071234567'],
  ['AU', 30, 'Australia/Sydney', '+61298765432'],
  ['NZ', 30, 'Pacific/Auckland', '+6493001234'],
];
for (const [profile, maxDays, zone, phone] of registerCases) {
  const at = local(zone, '2026-06-10T12:00');
  const contact = { timezone: zone, phone };
  add({
    rule: `${profile}.dnc.registry-stale`,
    name: `${profile} register ${maxDays} days old: allowed`,
    profile,
    contact,
    at,
    request: { registry: registry(maxDays, [], at) },
    expected: allowed,
  });
  add({
    rule: `${profile}.dnc.registry-stale`,
    name: `${profile} register ${maxDays + 1} days old: blocked`,
    profile,
    contact,
    at,
    request: { registry: registry(maxDays + 1, [], at) },
    expected: blocked(`${profile}.dnc.registry-stale`),
  });
  add({
    rule: `${profile}.dnc.registry-missing`,
    name: `${profile} register never imported: blocked`,
    profile,
    contact,
    at,
    request: { registry: registry(undefined, [], at) },
    expected: blocked(`${profile}.dnc.registry-missing`),
  });
  add({
    rule: `${profile}.dnc.registry`,
    name: `${profile} number on the register: blocked`,
    profile,
    contact,
    at,
    request: { registry: registry(1, [phone], at) },
    expected: blocked(`${profile}.dnc.registry`),
  });
  add({
    rule: `${profile}.dnc.registry`,
    name: `${profile} listed number with recorded voice consent: allowed`,
    profile,
    contact: { ...contact, consent: { voice: true } },
    at,
    request: { registry: registry(90, [phone], at) },
    expected: allowed,
  });
}
const usNoon = local('America/New_York', '2026-06-10T12:00');
add({
  rule: 'US.dnc.registry-stale',
  name: 'US texts without consent are screened too: stale register blocks',
  profile: 'US',
  channel: 'sms',
  contact: { timezone: 'America/New_York', phone: '+12125550100' },
  at: usNoon,
  request: { checks: ['dnc'], registry: registry(40, [], usNoon) },
  expected: blocked('US.dnc.registry-stale'),
});
add({
  rule: 'UK.dnc.registry-stale',
  name: 'UK texts are not covered by the TPS: stale register does not block',
  profile: 'UK',
  channel: 'sms',
  contact: { ...ukContact, consent: { sms: true } },
  at: local('Europe/London', '2026-06-10T12:00'),
  request: { registry: registry(40, [], 0) },
  expected: allowed,
});
add({
  rule: 'US.dnc.internal',
  name: 'internal list wins whatever the register says',
  profile: 'US',
  contact: { timezone: 'America/New_York', phone: '+14155550199' },
  at: usNoon,
  request: { registry: registry(1, [], usNoon) },
  expected: blocked('US.dnc.internal'),
});
add({
  rule: 'US.dnc.internal',
  name: 'internal list blocks outside hours instead of holding',
  profile: 'US',
  contact: { timezone: 'America/New_York', phone: '+14155550199' },
  at: local('America/New_York', '2026-06-10T23:00'),
  expected: blocked('US.dnc.internal'),
});
add({
  rule: 'UK.dnc.internal',
  name: 'a UK number written nationally matches its listed E.164 form',
  profile: 'UK',
  contact: { timezone: 'Europe/London', phone: '07700 900123' },
  at: local('Europe/London', '2026-06-10T12:00'),
  expected: blocked('UK.dnc.internal'),
});
add({
  rule: 'US.dnc.missing-phone',
  name: 'no phone number to check: blocked',
  profile: 'US',
  contact: { phone: null, timezone: 'America/New_York' },
  at: usNoon,
  expected: blocked('US.dnc.missing-phone'),
});
add({
  rule: 'US.consent.sms',
  name: 'US text without consent: blocked',
  profile: 'US',
  channel: 'sms',
  contact: { timezone: 'America/New_York', phone: '+12125550100' },
  at: usNoon,
  expected: blocked('US.consent.sms'),
});
add({
  rule: 'UK.consent.email',
  name: 'UK email without consent: blocked',
  profile: 'UK',
  channel: 'email',
  contact: { timezone: 'Europe/London', email: 'a@example.com' },
  at: usNoon,
  expected: blocked('UK.consent.email'),
});
add({
  rule: 'AU.consent.sms',
  name: 'AU text with consent declined: blocked',
  profile: 'AU',
  channel: 'sms',
  contact: { ...sydney, consent: { sms: false } },
  at: local('Australia/Sydney', '2026-06-10T12:00'),
  expected: blocked('AU.consent.sms'),
});

// ---- The 72-hour rule after an abandoned call, and frequency caps across journeys.
const hour = 60 * 60 * 1000;
const history = (attempts: { channel: Channel; at: number }[], abandonedAt?: number): ContactHistory => ({
  attemptsSince: (_v, channels, since) =>
    attempts
      .filter((a) => a.at > since && channels.includes(a.channel))
      .map((a) => a.at)
      .sort((a, b) => a - b),
  lastAbandonedAt: () => abandonedAt,
});
const ukNoon = local('Europe/London', '2026-06-10T12:00');
add({
  rule: 'UK.redial.abandoned',
  name: 'UK call abandoned 71 hours ago: held until 72 hours have passed',
  profile: 'UK',
  contact: ukContact,
  at: ukNoon,
  request: { history: history([], ukNoon - 71 * hour) },
  expected: held('UK.redial.abandoned', ukNoon + hour),
});
add({
  rule: 'UK.redial.abandoned',
  name: 'UK call abandoned 72 hours ago: allowed',
  profile: 'UK',
  contact: ukContact,
  at: ukNoon,
  request: { history: history([], ukNoon - 72 * hour) },
  expected: allowed,
});
add({
  rule: 'UK.redial.abandoned',
  name: 'UK call abandoned 1 hour ago, agent guaranteed: allowed',
  profile: 'UK',
  contact: ukContact,
  at: ukNoon,
  request: { agentGuaranteed: true, history: history([], ukNoon - hour) },
  expected: allowed,
});
add({
  rule: 'UK.redial.abandoned',
  name: 'UK abandoned 62 hours ago at noon: the release at 22:00 waits for 08:00',
  profile: 'UK',
  contact: ukContact,
  at: ukNoon,
  request: { history: history([], ukNoon - 62 * hour) },
  expected: held('UK.redial.abandoned', local('Europe/London', '2026-06-11T08:00')),
});
add({
  rule: 'UK.redial.abandoned',
  name: 'UK texts are not held after an abandoned call',
  profile: 'UK',
  channel: 'sms',
  contact: { ...ukContact, consent: { sms: true } },
  at: ukNoon,
  request: { history: history([], ukNoon - hour) },
  expected: allowed,
});
add({
  rule: 'US.redial.abandoned',
  name: 'US has no 72-hour rule: call abandoned an hour ago, allowed',
  profile: 'US',
  contact: { timezone: 'America/New_York', phone: '+12125550100' },
  at: usNoon,
  request: { history: history([], usNoon - hour) },
  expected: allowed,
});
add({
  rule: 'AU.redial.abandoned',
  name: 'AU call abandoned 10 hours ago: held (stricter side)',
  profile: 'AU',
  contact: sydney,
  at: local('Australia/Sydney', '2026-06-10T12:00'),
  request: { history: history([], local('Australia/Sydney', '2026-06-10T02:00')) },
  expected: held('AU.redial.abandoned'),
});
add({
  rule: 'NZ.redial.abandoned',
  name: 'NZ call abandoned 80 hours ago: allowed',
  profile: 'NZ',
  contact: nzContact,
  at: local('Pacific/Auckland', '2026-06-10T12:00'),
  request: { history: history([], local('Pacific/Auckland', '2026-06-10T12:00') - 80 * hour) },
  expected: allowed,
});
const nyContact = { timezone: 'America/New_York', phone: '+12125550100' };
add({
  rule: 'US.frequency',
  name: 'US 2 calls in 24 hours: allowed',
  profile: 'US',
  contact: nyContact,
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 3 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
    ]),
  },
  expected: allowed,
});
add({
  rule: 'US.frequency',
  name: 'US 3 calls in 24 hours: held until the oldest is a day old',
  profile: 'US',
  contact: nyContact,
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 3 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
      { channel: 'voice', at: usNoon - hour },
    ]),
  },
  expected: held('US.frequency', usNoon + 21 * hour),
});
add({
  rule: 'US.frequency',
  name: 'US 3 calls, the oldest 25 hours ago: allowed',
  profile: 'US',
  contact: nyContact,
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 25 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
      { channel: 'voice', at: usNoon - hour },
    ]),
  },
  expected: allowed,
});
add({
  rule: 'US.frequency',
  name: 'US 3 calls ending at 22:00 tonight: held to 08:00 next day',
  profile: 'US',
  contact: nyContact,
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 14 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
      { channel: 'voice', at: usNoon - hour },
    ]),
  },
  expected: held('US.frequency', local('America/New_York', '2026-06-11T08:00')),
});
add({
  rule: 'US.frequency',
  name: 'frequency check off: 5 calls allowed',
  profile: 'US',
  contact: nyContact,
  at: usNoon,
  request: { checks: ['hours'], history: history([1, 2, 3, 4, 5].map((h) => ({ channel: 'voice' as const, at: usNoon - h * hour }))) },
  expected: allowed,
});
const md = { state: 'MD', timezone: 'America/New_York', phone: '+14105550100', consent: { sms: true } };
add({
  rule: 'US-MD.frequency',
  name: 'MD 2 calls and 1 text in 24 hours: next call held',
  profile: 'US',
  contact: md,
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 3 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
      { channel: 'sms', at: usNoon - hour },
    ]),
  },
  expected: held('US-MD.frequency'),
});
add({
  rule: 'US-MD.frequency',
  name: 'MD 2 calls and 1 text in 24 hours: next text held',
  profile: 'US',
  channel: 'sms',
  contact: md,
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 3 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
      { channel: 'sms', at: usNoon - hour },
    ]),
  },
  expected: held('US-MD.frequency'),
});
add({
  rule: 'US-FL.frequency',
  name: 'FL 2 calls and 1 text: a third call allowed (FL counts calls)',
  profile: 'US',
  contact: { ...md, state: 'FL', phone: '+13055550100' },
  at: usNoon,
  request: {
    history: history([
      { channel: 'voice', at: usNoon - 3 * hour },
      { channel: 'voice', at: usNoon - 2 * hour },
      { channel: 'sms', at: usNoon - hour },
    ]),
  },
  expected: allowed,
});
add({
  rule: 'US-OK.frequency',
  name: 'OK 3 calls in 24 hours: held',
  profile: 'US',
  contact: { state: 'OK', timezone: 'America/Chicago', phone: '+19185550100' },
  at: local('America/Chicago', '2026-06-10T12:00'),
  request: { history: history([3, 2, 1].map((h) => ({ channel: 'voice' as const, at: local('America/Chicago', '2026-06-10T12:00') - h * hour }))) },
  expected: held('US.frequency'),
});
add({
  rule: 'UK.frequency',
  name: 'UK 3 calls in 24 hours: held',
  profile: 'UK',
  contact: ukContact,
  at: ukNoon,
  request: { history: history([3, 2, 1].map((h) => ({ channel: 'voice' as const, at: ukNoon - h * hour }))) },
  expected: held('UK.frequency', ukNoon + 21 * hour),
});

const doNotContact = new Set(['+14155550199', '+447700900123']);

describe('compliance gate: the rules table', () => {
  it('has at least 150 cases, each naming its rule', () => {
    expect(cases.length + keywordCases.length).toBeGreaterThanOrEqual(150);
    for (const c of cases) expect(c.rule).toMatch(/^(US|UK|AU|NZ)(-[A-Z]{2})?\.[a-z.-]+$/);
  });

  it.each(cases.map((c) => [`[${c.rule}] ${c.name}`, c] as const))('%s', (_name, c) => {
    const request: GateRequest = {
      channel: c.channel ?? 'voice',
      profile: c.profile,
      checks: ['hours', 'holidays', 'dnc', 'consent', 'frequency'],
      outsideHours: 'defer',
      defaultTimezone: 'Nowhere/Land',
      ...c.request,
      contact: { phone: null, email: null, timezone: null, consent: {}, ...c.contact },
      now: c.at,
      isDoNotContact: (_channel, value) => doNotContact.has(value),
    };
    const decision = checkGate(request);
    const e = c.expected;
    if ('allowed' in e) {
      expect(decision, JSON.stringify(decision)).toMatchObject({ allowed: true });
      return;
    }
    expect(decision, JSON.stringify(decision)).toMatchObject({ allowed: false, action: e.action, ...(e.rule && { rule: e.rule }) });
    if (e.action === 'defer' && e.until !== undefined && !decision.allowed && decision.action === 'defer') {
      expect(new Date(decision.until).toISOString()).toBe(new Date(e.until).toISOString());
    }
  });
});

const keywordCases: { rule: string; text: string; profile: ComplianceProfileId; expected: { keyword: string; kind: KeywordKind } | undefined }[] = [
  ...['STOP', 'END', 'CANCEL', 'UNSUBSCRIBE', 'QUIT', 'STOPALL', 'REVOKE', 'OPTOUT'].map((k) => ({
    rule: 'US.opt-out.keywords',
    text: k,
    profile: 'US' as const,
    expected: { keyword: k, kind: 'opt-out' as const },
  })),
  { rule: 'US.opt-out.keywords', text: ' stop ', profile: 'US', expected: { keyword: 'STOP', kind: 'opt-out' } },
  { rule: 'US.opt-out.keywords', text: 'Stop.', profile: 'US', expected: { keyword: 'STOP', kind: 'opt-out' } },
  { rule: 'US.opt-out.keywords', text: 'Opt out', profile: 'US', expected: { keyword: 'OPTOUT', kind: 'opt-out' } },
  { rule: 'US.opt-out.keywords', text: 'stop texting me', profile: 'US', expected: { keyword: 'STOP', kind: 'opt-out' } },
  { rule: 'US.opt-out.keywords', text: 'stopping by later', profile: 'US', expected: undefined },
  { rule: 'US.opt-out.keywords', text: 'Thanks!', profile: 'US', expected: undefined },
  { rule: 'US.opt-in.keywords', text: 'START', profile: 'US', expected: { keyword: 'START', kind: 'opt-in' } },
  { rule: 'US.opt-in.keywords', text: 'unstop', profile: 'US', expected: { keyword: 'UNSTOP', kind: 'opt-in' } },
  { rule: 'US.help.keywords', text: 'HELP', profile: 'US', expected: { keyword: 'HELP', kind: 'help' } },
  { rule: 'UK.opt-out.keywords', text: 'STOP', profile: 'UK', expected: { keyword: 'STOP', kind: 'opt-out' } },
  { rule: 'AU.opt-out.keywords', text: 'unsubscribe', profile: 'AU', expected: { keyword: 'UNSUBSCRIBE', kind: 'opt-out' } },
  { rule: 'NZ.opt-in.keywords', text: 'start', profile: 'NZ', expected: { keyword: 'START', kind: 'opt-in' } },
];

describe('SMS opt-out and opt-in keywords', () => {
  it.each(keywordCases.map((c) => [`[${c.rule}] "${c.text}"`, c] as const))('%s', (_name, c) => {
    expect(smsKeyword(c.text, c.profile)).toEqual(c.expected);
  });
});
