// The Canadian rules as a table: each case names the rule and its citation, the moment in the contact's local time, and
// the decision expected; then the choice of rules by the number's country, whatever the journey's profile.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { CallableCountry, ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { definitionFor } from '../dialer/abandonment.ts';
import { checkCompliance } from './check.ts';
import { countryRefusal, profileForContact, profilesOfCountries } from './country.ts';
import { checkGate, type GateContact, type GateRequest, type RegistryView } from './gate.ts';
import type { Channel } from './hours.ts';
import { ca } from './profiles/ca.ts';
import { buildComplianceReport, type ReportEvent } from './report.ts';
import { resolvePlace } from './timezones.ts';

const local = (zone: string, text: string) => {
  const t = DateTime.fromISO(text, { zone });
  if (!t.isValid) throw new Error(`bad time ${text} in ${zone}`);
  return t.toMillis();
};

type Expected = { allowed: true } | { action: 'defer'; rule: string; until?: number } | { action: 'block'; rule: string };

interface Case {
  rule: string;
  /** Where the rule comes from, as the profile cites it. */
  citation: string;
  name: string;
  profile?: ComplianceProfileId;
  channel?: Channel;
  contact: Partial<GateContact>;
  at: number;
  request?: Partial<Pick<GateRequest, 'checks' | 'registry' | 'countries' | 'outsideHours'>>;
  expected: Expected;
}

const allowed = { allowed: true } as const;
const held = (rule: string, until?: number): Expected => ({ action: 'defer', rule, ...(until !== undefined && { until }) });
const blocked = (rule: string): Expected => ({ action: 'block', rule });

const hoursCite = 'UTR Part III (Telemarketing Rules): weekdays 09:00-21:30, weekends 10:00-18:00, called party’s local time';
const toronto = 'America/Toronto';
const torontoPhone = '+14165550100';
const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// ---- Calling hours at each boundary, the minute before and the minute at it, in every zone a province lies in.
// 2026-01-14 is a Wednesday, 2026-01-17 a Saturday and 2026-01-18 a Sunday.
const zones: [string, string][] = [
  ['America/St_Johns', '+17095550100'],
  ['America/Halifax', '+19025550100'],
  [toronto, torontoPhone],
  ['America/Winnipeg', '+12045550100'],
  ['America/Regina', '+13065550100'],
  ['America/Edmonton', '+14035550100'],
  ['America/Vancouver', '+16045550100'],
];
for (const [zone, phone] of zones) {
  const contact = { timezone: zone, phone };
  const at = (t: string) => local(zone, t);
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Wed 08:59: held to 09:00`,
    contact,
    at: at('2026-01-14T08:59'),
    expected: held('CA.hours', at('2026-01-14T09:00')),
  });
  add({ rule: 'CA.hours', citation: hoursCite, name: `${zone} Wed 09:00: allowed`, contact, at: at('2026-01-14T09:00'), expected: allowed });
  add({ rule: 'CA.hours', citation: hoursCite, name: `${zone} Wed 21:29: allowed`, contact, at: at('2026-01-14T21:29'), expected: allowed });
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Wed 21:30: held to Thu 09:00`,
    contact,
    at: at('2026-01-14T21:30'),
    expected: held('CA.hours', at('2026-01-15T09:00')),
  });
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Fri 21:30: held to Sat 10:00`,
    contact,
    at: at('2026-01-16T21:30'),
    expected: held('CA.hours', at('2026-01-17T10:00')),
  });
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Sat 09:59: held to 10:00`,
    contact,
    at: at('2026-01-17T09:59'),
    expected: held('CA.hours', at('2026-01-17T10:00')),
  });
  add({ rule: 'CA.hours', citation: hoursCite, name: `${zone} Sat 10:00: allowed`, contact, at: at('2026-01-17T10:00'), expected: allowed });
  add({ rule: 'CA.hours', citation: hoursCite, name: `${zone} Sat 17:59: allowed`, contact, at: at('2026-01-17T17:59'), expected: allowed });
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Sat 18:00: held to Sun 10:00`,
    contact,
    at: at('2026-01-17T18:00'),
    expected: held('CA.hours', at('2026-01-18T10:00')),
  });
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Sun 09:59: held to 10:00`,
    contact,
    at: at('2026-01-18T09:59'),
    expected: held('CA.hours', at('2026-01-18T10:00')),
  });
  add({ rule: 'CA.hours', citation: hoursCite, name: `${zone} Sun 10:00: allowed`, contact, at: at('2026-01-18T10:00'), expected: allowed });
  add({
    rule: 'CA.hours',
    citation: hoursCite,
    name: `${zone} Sun 18:00: held to Mon 09:00`,
    contact,
    at: at('2026-01-18T18:00'),
    expected: held('CA.hours', at('2026-01-19T09:00')),
  });
}

// Texts keep the calling hours (the stricter reading); email has none.
add({
  rule: 'CA.hours',
  citation: `${hoursCite}; texts by the stricter reading`,
  name: 'text on Sat 18:00 is held',
  channel: 'sms',
  contact: { timezone: toronto, phone: torontoPhone, consent: { sms: true } },
  at: local(toronto, '2026-01-17T18:00'),
  expected: held('CA.hours', local(toronto, '2026-01-18T10:00')),
});

// ---- Holidays: the UTRs close none; British Columbia's Telemarketer Licensing Regulation closes statutory holidays.
const bcCite = 'Telemarketer Licensing Regulation (B.C.): no telemarketing calls on a statutory holiday';
add({
  rule: 'CA.hours',
  citation: 'UTR Part III: no federal rule on holidays',
  name: 'Canada Day (Wed 2026-07-01) in Toronto at 12:00: allowed',
  contact: { timezone: toronto, phone: torontoPhone },
  at: local(toronto, '2026-07-01T12:00'),
  expected: allowed,
});
add({
  rule: 'CA-BC.holidays',
  citation: bcCite,
  name: 'Canada Day in Vancouver (BC by area code 604): held to Thu 09:00',
  contact: { phone: '+16045550100' },
  at: local('America/Vancouver', '2026-07-01T12:00'),
  expected: held('CA-BC.holidays', local('America/Vancouver', '2026-07-02T09:00')),
});
add({
  rule: 'CA-BC.holidays',
  citation: bcCite,
  name: 'BC Day (2026-08-03) for a contact whose state is BC',
  contact: { phone: '+12505550100', state: 'BC' },
  at: local('America/Vancouver', '2026-08-03T12:00'),
  expected: held('CA-BC.holidays', local('America/Vancouver', '2026-08-04T09:00')),
});
add({
  rule: 'CA-BC.holidays',
  citation: `${bcCite}; statutory in BC since 2023, an observance in date-holidays`,
  name: 'National Day for Truth and Reconciliation (Wed 2026-09-30) in BC',
  contact: { phone: '+16045550100' },
  at: local('America/Vancouver', '2026-09-30T12:00'),
  expected: held('CA-BC.holidays', local('America/Vancouver', '2026-10-01T09:00')),
});
add({
  rule: 'CA-BC.holidays',
  citation: bcCite,
  name: 'Sunday 2026-01-18 in BC is an ordinary weekend day',
  contact: { phone: '+16045550100' },
  at: local('America/Vancouver', '2026-01-18T12:00'),
  expected: allowed,
});
add({
  rule: 'CA-BC.holidays',
  citation: bcCite,
  name: 'a BC text on Canada Day is not closed (the regulation covers calls)',
  channel: 'sms',
  contact: { phone: '+16045550100', consent: { sms: true } },
  at: local('America/Vancouver', '2026-07-01T12:00'),
  expected: allowed,
});

// ---- Daylight-saving changes in Toronto: 2026-03-08 (Sun, 02:00 -> 03:00) and 2026-11-01 (Sun, 02:00 -> 01:00).
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'spring forward Sun 2026-03-08 09:59 EDT: held to 10:00 EDT',
  contact: { timezone: toronto, phone: torontoPhone },
  at: local(toronto, '2026-03-08T09:59'),
  expected: held('CA.hours', Date.parse('2026-03-08T14:00:00Z')),
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'spring forward Sun 2026-03-08 10:00 EDT (14:00Z): allowed',
  contact: { timezone: toronto, phone: torontoPhone },
  at: Date.parse('2026-03-08T14:00:00Z'),
  expected: allowed,
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'spring forward: 09:30 EDT is 13:30Z, an hour the old offset would call 08:30: held',
  contact: { timezone: toronto, phone: torontoPhone },
  at: Date.parse('2026-03-08T13:30:00Z'),
  expected: held('CA.hours', Date.parse('2026-03-08T14:00:00Z')),
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'spring forward: Sat 2026-03-07 18:00 EST held to Sun 10:00 EDT',
  contact: { timezone: toronto, phone: torontoPhone },
  at: Date.parse('2026-03-07T23:00:00Z'),
  expected: held('CA.hours', Date.parse('2026-03-08T14:00:00Z')),
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'fall back Sun 2026-11-01 09:59 EST (14:59Z): held to 10:00 EST (15:00Z)',
  contact: { timezone: toronto, phone: torontoPhone },
  at: Date.parse('2026-11-01T14:59:00Z'),
  expected: held('CA.hours', Date.parse('2026-11-01T15:00:00Z')),
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'fall back Sun 2026-11-01 10:00 EST (15:00Z): allowed',
  contact: { timezone: toronto, phone: torontoPhone },
  at: Date.parse('2026-11-01T15:00:00Z'),
  expected: allowed,
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'fall back Sun 2026-11-01 17:59 EST: allowed; 18:00 EST (23:00Z) held to Mon 09:00',
  contact: { timezone: toronto, phone: torontoPhone },
  at: Date.parse('2026-11-01T23:00:00Z'),
  expected: held('CA.hours', Date.parse('2026-11-02T14:00:00Z')),
});

// ---- Time zones from the number: a province across zones must be open in all.
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'Ontario (Eastern and, west of Thunder Bay, Central): Sat 10:00 Toronto is 09:00 Kenora, held',
  contact: { phone: '+18075550100', state: 'ON' },
  at: local(toronto, '2026-01-17T10:00'),
  expected: held('CA.hours', local('America/Winnipeg', '2026-01-17T10:00')),
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: '647 (a Toronto overlay Google files only as "Ontario") is placed in Toronto',
  contact: { phone: '+16475550100' },
  at: local(toronto, '2026-01-14T21:29'),
  expected: allowed,
});

// ---- The National DNCL: listed numbers blocked unless express consent; the copy at most 31 days old.
const dnclCite = 'UTR Part II (National DNCL Rules): no call to a number registered more than 31 days; copy obtained at most 31 days before the call';
const now = local(toronto, '2026-01-14T12:00');
const day = 86_400_000;
const register = (downloadedAt: number | undefined, listed: string[]): RegistryView => ({
  downloadedAt: (p) => (p === 'CA' ? downloadedAt : undefined),
  isListed: (p, v) => p === 'CA' && listed.includes(v),
});
const dnc = { checks: ['dnc' as const, 'hours' as const] };
add({
  rule: 'CA.dnc.registry',
  citation: `${dnclCite}; no registration dates in the copy: every listed number blocked`,
  name: 'a listed number is blocked',
  contact: { timezone: toronto, phone: torontoPhone },
  at: now,
  request: { ...dnc, registry: register(now - 2 * day, [torontoPhone]) },
  expected: blocked('CA.dnc.registry'),
});
add({
  rule: 'CA.dnc.registry',
  citation: `${dnclCite}; express consent exempts`,
  name: 'a listed number with express consent is allowed',
  contact: { timezone: toronto, phone: torontoPhone, consent: { voice: true } },
  at: now,
  request: { ...dnc, registry: register(now - 2 * day, [torontoPhone]) },
  expected: allowed,
});
add({
  rule: 'CA.dnc.registry-stale',
  citation: dnclCite,
  name: 'a copy 31 days old is in date',
  contact: { timezone: toronto, phone: torontoPhone },
  at: now,
  request: { ...dnc, registry: register(now - 31 * day, []) },
  expected: allowed,
});
add({
  rule: 'CA.dnc.registry-stale',
  citation: dnclCite,
  name: 'a copy 32 days old stops calls',
  contact: { timezone: toronto, phone: torontoPhone },
  at: now,
  request: { ...dnc, registry: register(now - 32 * day, []) },
  expected: blocked('CA.dnc.registry-stale'),
});
add({
  rule: 'CA.dnc.registry-missing',
  citation: dnclCite,
  name: 'no copy imported stops calls',
  contact: { timezone: toronto, phone: torontoPhone },
  at: now,
  request: { ...dnc, registry: register(undefined, []) },
  expected: blocked('CA.dnc.registry-missing'),
});
add({
  rule: 'CA.dnc.registry',
  citation: `${dnclCite}; the DNCL covers telemarketing calls, CASL covers texts`,
  name: 'a listed number may be texted with consent',
  channel: 'sms',
  contact: { timezone: toronto, phone: torontoPhone, consent: { sms: true } },
  at: now,
  request: { ...dnc, registry: register(now - 2 * day, [torontoPhone]) },
  expected: allowed,
});

// ---- CASL: texts and email need consent.
add({
  rule: 'CA.consent.sms',
  citation: 'CASL s. 6(1): no commercial electronic message without consent',
  name: 'a text without consent is blocked',
  channel: 'sms',
  contact: { timezone: toronto, phone: torontoPhone },
  at: now,
  request: { checks: ['consent'] },
  expected: blocked('CA.consent.sms'),
});

// ---- The number's country decides, whatever the journey's profile. 2026-01-17 is a Saturday.
const seattle = 'America/Los_Angeles';
add({
  rule: 'US.hours',
  citation: '47 CFR 64.1200(c)(1): 08:00-21:00',
  name: 'US journey, +1 206 on Sat 19:00 local: allowed',
  profile: 'US',
  contact: { phone: '+12065550100' },
  at: local(seattle, '2026-01-17T19:00'),
  expected: allowed,
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'US journey, +1 416 on Sat 19:00 local: held to Sun 10:00 under CA rules',
  profile: 'US',
  contact: { phone: torontoPhone },
  at: local(toronto, '2026-01-17T19:00'),
  expected: held('CA.hours', local(toronto, '2026-01-18T10:00')),
});
add({
  rule: 'US.hours',
  citation: '47 CFR 64.1200(c)(1): 08:00-21:00',
  name: 'CA journey, +1 206 on Sat 19:00 local: allowed under US rules',
  profile: 'CA',
  contact: { phone: '+12065550100' },
  at: local(seattle, '2026-01-17T19:00'),
  expected: allowed,
});
add({
  rule: 'CA.hours',
  citation: hoursCite,
  name: 'UK journey, +1 416 on Sun 09:00: CA rules, held to 10:00',
  profile: 'UK',
  contact: { phone: torontoPhone },
  at: local(toronto, '2026-01-18T09:00'),
  expected: held('CA.hours', local(toronto, '2026-01-18T10:00')),
});
add({
  rule: 'UK.hours',
  citation: 'DMA Telemarketing Guide: no calls on Sundays',
  name: 'UK journey, an Irish number (no IE profile) keeps the UK rules: Sunday held',
  profile: 'UK',
  contact: { phone: '+35312345678', timezone: 'Europe/Dublin' },
  at: local('Europe/Dublin', '2026-01-18T12:00'),
  expected: held('UK.hours'),
});
add({
  rule: 'countries.not-allowed',
  citation: 'journey setting countries',
  name: 'a journey limited to US refuses +1 416',
  profile: 'US',
  contact: { phone: torontoPhone },
  at: local(toronto, '2026-01-14T12:00'),
  request: { countries: ['US'] },
  expected: blocked('countries.not-allowed'),
});
add({
  rule: 'countries.not-allowed',
  citation: 'journey setting countries',
  name: 'a journey limited to US and CA calls +1 416',
  profile: 'US',
  contact: { phone: torontoPhone },
  at: local(toronto, '2026-01-14T12:00'),
  request: { countries: ['US', 'CA'] },
  expected: allowed,
});
add({
  rule: 'countries.not-allowed',
  citation: 'journey setting countries; US territories count as the US',
  name: 'a journey limited to US calls Puerto Rico',
  profile: 'US',
  contact: { phone: '+17875550100' },
  at: local('America/Puerto_Rico', '2026-01-14T12:00'),
  request: { countries: ['US'] },
  expected: allowed,
});
add({
  rule: 'countries.not-allowed',
  citation: 'journey setting countries',
  name: 'a journey limited to US and CA refuses Jamaica (+1 876)',
  profile: 'US',
  contact: { phone: '+18765550100' },
  at: local('America/Jamaica', '2026-01-14T12:00'),
  request: { countries: ['US', 'CA'] },
  expected: blocked('countries.not-allowed'),
});
add({
  rule: 'countries.unknown',
  citation: 'journey setting countries',
  name: 'an unreadable number is refused when countries are listed',
  profile: 'US',
  contact: { phone: 'call me', timezone: toronto },
  at: now,
  request: { countries: ['US', 'CA'] },
  expected: blocked('countries.unknown'),
});
add({
  rule: 'countries.not-allowed',
  citation: 'journey setting countries: calls and texts only',
  name: 'email ignores the list of countries',
  profile: 'US',
  channel: 'email',
  contact: { phone: torontoPhone, email: 'a@example.com' },
  at: now,
  request: { countries: ['US'], checks: ['hours'] },
  expected: allowed,
});

describe('CA rules and the number’s country, case by case', () => {
  it.each(cases.map((c) => [`${c.rule}: ${c.name} (${c.citation})`, c] as const))('%s', (_name, c) => {
    const decision = checkGate({
      channel: c.channel ?? 'voice',
      profile: c.profile ?? 'CA',
      checks: c.request?.checks ?? ['hours', 'holidays'],
      outsideHours: c.request?.outsideHours ?? 'defer',
      contact: { phone: null, email: null, timezone: null, consent: {}, ...c.contact },
      defaultTimezone: 'America/Toronto',
      now: c.at,
      isDoNotContact: () => false,
      ...(c.request?.registry && { registry: c.request.registry }),
      ...(c.request?.countries && { countries: c.request.countries as CallableCountry[] }),
    });
    if ('allowed' in c.expected) {
      expect(decision).toMatchObject({ allowed: true });
    } else {
      expect(decision).toMatchObject({ allowed: false, action: c.expected.action, rule: c.expected.rule });
      if ('until' in c.expected && c.expected.until !== undefined && decision.allowed === false && decision.action === 'defer') {
        expect(new Date(decision.until).toISOString()).toBe(new Date(c.expected.until).toISOString());
      }
    }
  });
});

describe('the CA profile', () => {
  it('cites a source for every rule', () => {
    for (const rule of [
      ca.hours,
      ca.holidays,
      ca.abandonment,
      ca.ring,
      ca.informationMessage,
      ca.redial,
      ca.registry,
      ca.optOut,
      ca.consent,
      ...ca.frequency,
    ]) {
      expect(rule.source.length).toBeGreaterThan(20);
    }
    expect(ca.optOut.honourWithin).toEqual({ days: 14, business: false });
    expect(ca.abandonment).toMatchObject({ maxRate: 0.05, window: { hours: 720, per: 'campaign' }, connectWithinSeconds: 2 });
  });

  it('places Canadian numbers in their provinces and zones', () => {
    expect(resolvePlace({ phone: '+14165550100', timezone: null }, 'CA', '')).toMatchObject({
      zones: ['America/Toronto'],
      region: 'ON',
      regionSource: 'area-code',
    });
    expect(resolvePlace({ phone: '+16475550100', timezone: null }, 'CA', '')).toMatchObject({ zones: ['America/Toronto'], region: 'ON' });
    expect(resolvePlace({ phone: '+16045550100', timezone: null }, 'CA', '')).toMatchObject({ region: 'BC' });
    expect(resolvePlace({ phone: '+15145550100', timezone: null }, 'CA', '')).toMatchObject({ zones: ['America/Toronto'], region: 'QC' });
    // 902 serves Nova Scotia and Prince Edward Island: one zone, no one province.
    expect(resolvePlace({ phone: '+19025550100', timezone: null }, 'CA', '')).toMatchObject({ zones: ['America/Halifax'] });
    expect(resolvePlace({ phone: '+19025550100', timezone: null }, 'CA', '').region).toBeUndefined();
    expect(resolvePlace({ phone: null, timezone: null, state: 'ON' }, 'CA', '').zones).toEqual(['America/Toronto', 'America/Winnipeg']);
  });

  it('is asked for with `journey compliance check --profile CA` as with the others', () => {
    const result = checkCompliance({ profile: 'CA', channel: 'voice', phone: '+14165550100', at: '2026-01-17T19:00:00-05:00' });
    expect(result).toMatchObject({ allowed: false, nextAllowedAt: '2026-01-18T15:00:00.000Z', timezones: ['America/Toronto'], region: 'ON' });
    expect(result.reasons[0]).toMatchObject({ rule: 'CA.hours', action: 'defer' });
  });
});

describe('choosing rules by the number', () => {
  it('picks the number’s country’s profile for calls and texts, the journey’s for email and the rest', () => {
    expect(profileForContact('+14165550100', 'voice', 'US')).toBe('CA');
    expect(profileForContact('+12065550100', 'sms', 'CA')).toBe('US');
    expect(profileForContact('+17875550100', 'voice', 'UK')).toBe('US');
    expect(profileForContact('+447400123456', 'voice', 'US')).toBe('UK');
    // A number whose country its digits cannot tell (+44 7700 900 is a range kept for drama) keeps the journey's rules.
    expect(profileForContact('+447700900123', 'voice', 'US')).toBe('US');
    expect(profileForContact('+18765550100', 'voice', 'US')).toBe('US');
    expect(profileForContact('+14165550100', 'email', 'US')).toBe('US');
    // A national form is read as the journey's country's; +1 numbers still tell Canada from the US by area code.
    expect(profileForContact('(416) 555-0100', 'voice', 'US')).toBe('CA');
    expect(countryRefusal(null, 'voice', 'US', ['US'])).toBeUndefined();
  });

  it('holds a dialer step to the strictest of the countries the journey calls', () => {
    const both = definitionFor(profilesOfCountries('US', ['US', 'CA']));
    expect(both).toMatchObject({ capPercent: 3, clockFrom: 'greeting-start', limitMs: 2000, windowMs: 30 * day, countsAmdFalsePositives: true });
    expect(definitionFor('CA')).toMatchObject({ capPercent: 5, clockFrom: 'greeting-start', windowMs: 30 * day });
    expect(definitionFor(['CA'], 4)).toMatchObject({ capPercent: 4 });
    expect(definitionFor('US').clockFrom).toBe('greeting-stop');
  });
});

describe('the compliance report by the number’s country', () => {
  it('counts each call under its own country’s definition of an abandoned call', () => {
    const t = Date.parse('2026-01-14T15:00:00Z');
    const run = { id: 'r1', journeyId: 'j', version: 1, simulated: true, status: 'completed', startAt: t, endedAt: t + 600_000 };
    const call = (contactId: string, to: string, at: number): ReportEvent[] => [
      { runId: 'r1', contactId, nodeId: 'dial', type: 'call.placed', time: at, data: { to } },
      { runId: 'r1', contactId, nodeId: 'dial', type: 'call.answered', time: at + 5000, data: {} },
      { runId: 'r1', contactId, nodeId: 'dial', type: 'call.customerGreetingStart', time: at + 5000, data: {} },
      { runId: 'r1', contactId, nodeId: 'dial', type: 'call.customerGreetingStop', time: at + 8000, data: {} },
      // 1 s after the greeting ended, 4 s after the answer: in time under US rules, abandoned under Canadian ones.
      { runId: 'r1', contactId, nodeId: 'dial', type: 'call.connectedToAgent', time: at + 9000, data: {} },
      { runId: 'r1', contactId, nodeId: 'dial', type: 'call.ended', time: at + 60_000, data: { port: 'connected' } },
    ];
    const report = buildComplianceReport({
      run,
      journeyName: 'North America',
      profile: 'US',
      campaign: [{ run, steps: [{ id: 'dial', mode: 'predictive' }] }],
      events: [...call('a', '+12125550100', t), ...call('b', '+14165550100', t + 100_000)],
      registryImports: [],
      permissionChanges: [],
      generatedAt: t + 600_000,
    });
    expect(report.byCountry).toEqual([
      expect.objectContaining({ profile: 'US', callsPlaced: 1, liveAnswers: 1, abandoned: 0, capPercent: 3, withinCap: true, measuredFrom: 'greeting-end' }),
      expect.objectContaining({ profile: 'CA', callsPlaced: 1, liveAnswers: 1, abandoned: 1, capPercent: 5, withinCap: false, measuredFrom: 'greeting-start' }),
    ]);
  });
});
