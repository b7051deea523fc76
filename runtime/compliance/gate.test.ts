import { describe, expect, it } from 'vitest';
import { checkGate, enforcedChecks, type GateContact, type GateDecision, type GateRequest } from './gate.ts';

const doNotContact = new Set(['+14155550199', 'blocked@example.com', '+447700900123']);

type Case = {
  name: string;
  at: string;
  request?: Partial<Omit<GateRequest, 'contact' | 'now' | 'isDoNotContact'>>;
  contact?: Partial<GateContact>;
  expected: Partial<GateDecision> & { until?: number | string };
};

function request(c: Case): GateRequest {
  return {
    channel: 'voice',
    profile: 'US',
    checks: ['hours', 'holidays', 'dnc', 'consent', 'frequency'],
    outsideHours: 'defer',
    defaultTimezone: 'America/New_York',
    ...c.request,
    contact: { phone: '+14155550100', email: 'ada@example.com', timezone: 'America/Chicago', consent: {}, ...c.contact },
    now: Date.parse(c.at),
    isDoNotContact: (_channel, value) => doNotContact.has(value),
  };
}

const sms = { channel: 'sms' } as const;
const email = { channel: 'email' } as const;
const block = { outsideHours: 'block' } as const;
const yesSms = { consent: { sms: true } };

// Times are written in UTC; the comment on each group gives the local time.
const cases: Case[] = [
  // Chicago in January is UTC-6.
  { name: 'US voice, 07:59 Chicago: held', at: '2026-01-14T13:59:00Z', expected: { action: 'defer', until: '2026-01-14T14:00:00Z', rule: 'US.hours', timezone: 'America/Chicago' } },
  { name: 'US voice, 08:00 Chicago: allowed', at: '2026-01-14T14:00:00Z', expected: { allowed: true, timezone: 'America/Chicago' } },
  { name: 'US voice, 20:59 Chicago: allowed', at: '2026-01-15T02:59:00Z', expected: { allowed: true } },
  { name: 'US voice, 21:00 Chicago: held to the morning', at: '2026-01-15T03:00:00Z', expected: { action: 'defer', until: '2026-01-15T14:00:00Z' } },
  { name: 'US voice, 21:00 Chicago, gate blocks', at: '2026-01-15T03:00:00Z', request: block, expected: { action: 'block', rule: 'US.hours' } },
  { name: 'US sms with consent, 07:59 Chicago: held', at: '2026-01-14T13:59:00Z', request: sms, contact: yesSms, expected: { action: 'defer', rule: 'US.hours' } },
  { name: 'US email, 03:00 Chicago: no hours for email', at: '2026-01-14T09:00:00Z', request: email, expected: { allowed: true } },
  // Time zones: 13:30Z is 08:30 in New York, 07:30 in Chicago, 05:30 in Los Angeles.
  { name: 'invalid explicit zone falls back to the journey’s', at: '2026-01-14T13:30:00Z', contact: { timezone: 'Mars/Olympus' }, expected: { allowed: true, timezone: 'America/New_York' } },
  { name: 'no explicit zone uses the journey’s', at: '2026-01-14T13:30:00Z', contact: { timezone: null }, expected: { allowed: true, timezone: 'America/New_York' } },
  { name: 'explicit zone wins over the journey’s', at: '2026-01-14T13:30:00Z', contact: { timezone: 'America/Los_Angeles' }, expected: { action: 'defer', until: '2026-01-14T16:00:00Z', timezone: 'America/Los_Angeles' } },
  { name: 'no valid zone at all: blocked, not guessed', at: '2026-01-14T13:30:00Z', request: { defaultTimezone: 'Nowhere/Land' }, contact: { timezone: 'Mars/Olympus' }, expected: { action: 'block', rule: 'US.hours.timezone' } },
  // New York's clock changes: springs forward 8 March 2026, falls back 1 November 2026.
  { name: 'spring-forward day, 07:59 EDT: held', at: '2026-03-08T11:59:00Z', contact: { timezone: 'America/New_York' }, expected: { action: 'defer', until: '2026-03-08T12:00:00Z' } },
  { name: 'spring-forward day, 08:00 EDT: allowed', at: '2026-03-08T12:00:00Z', contact: { timezone: 'America/New_York' }, expected: { allowed: true } },
  { name: 'fall-back day, 07:59 EST: held', at: '2026-11-01T12:59:00Z', contact: { timezone: 'America/New_York' }, expected: { action: 'defer', until: '2026-11-01T13:00:00Z' } },
  { name: 'fall-back day, 08:00 EST: allowed', at: '2026-11-01T13:00:00Z', contact: { timezone: 'America/New_York' }, expected: { allowed: true } },
  // UK: no calls on Sunday; Saturday opens at 09:00. London springs forward 29 March, falls back 25 October 2026.
  { name: 'UK spring-forward Sunday 10:00 BST: held to Monday', at: '2026-03-29T09:00:00Z', request: { profile: 'UK' }, contact: { timezone: 'Europe/London' }, expected: { action: 'defer', until: '2026-03-30T07:00:00Z', rule: 'UK.hours' } },
  { name: 'UK Saturday 08:59 BST: held to 09:00', at: '2026-06-06T07:59:00Z', request: { profile: 'UK' }, contact: { timezone: 'Europe/London' }, expected: { action: 'defer', until: '2026-06-06T08:00:00Z' } },
  { name: 'UK Saturday 09:00 BST: allowed', at: '2026-06-06T08:00:00Z', request: { profile: 'UK' }, contact: { timezone: 'Europe/London' }, expected: { allowed: true } },
  { name: 'UK Saturday 21:00 BST before fall-back: held to Monday 08:00 GMT', at: '2026-10-24T20:00:00Z', request: { profile: 'UK' }, contact: { timezone: 'Europe/London' }, expected: { action: 'defer', until: '2026-10-26T08:00:00Z' } },
  { name: 'UK Monday 08:00 GMT after fall-back: allowed', at: '2026-10-26T08:00:00Z', request: { profile: 'UK' }, contact: { timezone: 'Europe/London' }, expected: { allowed: true } },
  // Sydney in January is UTC+11.
  { name: 'AU Friday 19:59: allowed', at: '2026-01-16T08:59:00Z', request: { profile: 'AU' }, contact: { timezone: 'Australia/Sydney' }, expected: { allowed: true } },
  { name: 'AU Friday 20:00: held to Saturday 09:00', at: '2026-01-16T09:00:00Z', request: { profile: 'AU' }, contact: { timezone: 'Australia/Sydney' }, expected: { action: 'defer', until: '2026-01-16T22:00:00Z', rule: 'AU.hours' } },
  { name: 'AU Saturday 17:00: held past Sunday to Monday 09:00', at: '2026-01-17T06:00:00Z', request: { profile: 'AU' }, contact: { timezone: 'Australia/Sydney' }, expected: { action: 'defer', until: '2026-01-18T22:00:00Z' } },
  { name: 'AU Sunday noon, gate blocks', at: '2026-01-18T01:00:00Z', request: { profile: 'AU', ...block }, contact: { timezone: 'Australia/Sydney' }, expected: { action: 'block', rule: 'AU.hours' } },
  // Auckland in January is UTC+13.
  { name: 'NZ Saturday 17:59: allowed', at: '2026-01-17T04:59:00Z', request: { profile: 'NZ' }, contact: { timezone: 'Pacific/Auckland' }, expected: { allowed: true } },
  { name: 'NZ Saturday 18:00: held to Monday 09:00', at: '2026-01-17T05:00:00Z', request: { profile: 'NZ' }, contact: { timezone: 'Pacific/Auckland' }, expected: { action: 'defer', until: '2026-01-18T20:00:00Z', rule: 'NZ.hours' } },
  { name: 'NZ Wednesday 08:59: held', at: '2026-01-13T19:59:00Z', request: { profile: 'NZ' }, contact: { timezone: 'Pacific/Auckland' }, expected: { action: 'defer', until: '2026-01-13T20:00:00Z' } },
  // Do-not-contact lists. 15:00Z is 09:00 in Chicago.
  { name: 'voice to a listed phone: blocked', at: '2026-01-14T15:00:00Z', contact: { phone: '+14155550199' }, expected: { action: 'block', rule: 'US.dnc.internal' } },
  { name: 'listed phone outside hours: blocked, not held', at: '2026-01-14T09:00:00Z', contact: { phone: '+14155550199' }, expected: { action: 'block', rule: 'US.dnc.internal' } },
  { name: 'sms to a listed phone: blocked', at: '2026-01-14T15:00:00Z', request: sms, contact: { phone: '+14155550199', ...yesSms }, expected: { action: 'block', rule: 'US.dnc.internal' } },
  { name: 'email matched case-insensitively: blocked', at: '2026-01-14T15:00:00Z', request: email, contact: { email: ' Blocked@Example.COM ' }, expected: { action: 'block', rule: 'US.dnc.internal' } },
  { name: 'a UK number written nationally matches its listed E.164 form', at: '2026-06-03T10:00:00Z', request: { profile: 'UK' }, contact: { phone: '07700 900123', timezone: 'Europe/London' }, expected: { action: 'block', rule: 'UK.dnc.internal' } },
  { name: 'a US number with punctuation matches', at: '2026-01-14T15:00:00Z', contact: { phone: '(415) 555-0199' }, expected: { action: 'block', rule: 'US.dnc.internal' } },
  { name: 'dnc not asked for: listed phone allowed', at: '2026-01-14T15:00:00Z', request: { checks: ['hours'] }, contact: { phone: '+14155550199' }, expected: { allowed: true } },
  { name: 'no phone to check: blocked', at: '2026-01-14T15:00:00Z', contact: { phone: null }, expected: { action: 'block', rule: 'US.dnc.missing-phone' } },
  { name: 'no email to check: blocked', at: '2026-01-14T15:00:00Z', request: email, contact: { email: '  ' }, expected: { action: 'block', rule: 'US.dnc.missing-email' } },
  // Consent.
  { name: 'US sms without consent: blocked', at: '2026-01-14T15:00:00Z', request: sms, expected: { action: 'block', rule: 'US.consent.sms' } },
  { name: 'US sms with consent false: blocked', at: '2026-01-14T15:00:00Z', request: sms, contact: { consent: { sms: false } }, expected: { action: 'block', rule: 'US.consent.sms' } },
  { name: 'US sms with consent: allowed', at: '2026-01-14T15:00:00Z', request: sms, contact: yesSms, expected: { allowed: true } },
  { name: 'US sms without consent outside hours: blocked, not held', at: '2026-01-14T09:00:00Z', request: sms, expected: { action: 'block', rule: 'US.consent.sms' } },
  { name: 'US voice needs no consent at this stage', at: '2026-01-14T15:00:00Z', contact: { consent: { voice: false } }, expected: { allowed: true } },
  { name: 'US email needs no consent (CAN-SPAM is opt-out)', at: '2026-01-14T15:00:00Z', request: email, expected: { allowed: true } },
  { name: 'UK email without consent: blocked', at: '2026-06-03T10:00:00Z', request: { profile: 'UK', ...email }, contact: { timezone: 'Europe/London' }, expected: { action: 'block', rule: 'UK.consent.email' } },
  { name: 'AU email with consent at 03:00: allowed', at: '2026-01-13T16:00:00Z', request: { profile: 'AU', ...email }, contact: { timezone: 'Australia/Sydney', consent: { email: true } }, expected: { allowed: true } },
  { name: 'NZ sms with consent false: blocked', at: '2026-01-13T22:00:00Z', request: { profile: 'NZ', ...sms }, contact: { timezone: 'Pacific/Auckland', consent: { sms: false } }, expected: { action: 'block', rule: 'NZ.consent.sms' } },
  { name: 'consent not asked for: UK email allowed', at: '2026-06-03T10:00:00Z', request: { profile: 'UK', ...email, checks: ['dnc'] }, contact: { timezone: 'Europe/London' }, expected: { allowed: true } },
  // Checks not enforced yet.
  { name: 'holidays and frequency alone do not hold a 03:00 call', at: '2026-01-14T09:00:00Z', request: { checks: ['holidays', 'frequency'] }, expected: { allowed: true } },
  { name: 'hours alone hold a listed phone instead of blocking it', at: '2026-01-14T09:00:00Z', request: { checks: ['hours'] }, contact: { phone: '+14155550199' }, expected: { action: 'defer', rule: 'US.hours' } },
];

describe('checkGate', () => {
  it.each(cases)('$name', (c) => {
    const { until, ...rest } = c.expected;
    const decision = checkGate(request(c));
    expect(decision).toMatchObject(rest);
    if ('action' in rest) expect(decision.allowed).toBe(false);
    if (until !== undefined) {
      expect(decision).toHaveProperty('until');
      expect(new Date((decision as { until: number }).until).toISOString()).toBe(new Date(until).toISOString());
    }
    if ('action' in rest && rest.action === 'block') expect(decision).not.toHaveProperty('until');
  });

  it('explains a hold in a sentence a manager can read', () => {
    const decision = checkGate(request({ name: '', at: '2026-01-15T03:00:00Z', expected: {} }));
    expect(decision).toMatchObject({
      reason: 'Outside calling hours (08:00-21:00) in America/Chicago; held until 08:00 local.',
    });
    const weekend = checkGate(
      request({ name: '', at: '2026-01-17T06:00:00Z', request: { profile: 'AU' }, contact: { timezone: 'Australia/Sydney' }, expected: {} }),
    );
    expect(weekend).toMatchObject({
      reason: 'Outside calling hours (Mon-Fri 09:00-20:00, Sat 09:00-17:00) in Australia/Sydney; held until Mon 09:00 local.',
    });
  });

  it('explains blocks', () => {
    const at = '2026-01-14T15:00:00Z';
    expect(checkGate(request({ name: '', at, contact: { phone: '+14155550199' }, expected: {} }))).toMatchObject({
      reason: 'The contact’s phone number is on the do-not-contact list for calls.',
    });
    expect(checkGate(request({ name: '', at, request: sms, expected: {} }))).toMatchObject({
      reason: 'The contact has no recorded consent for texts; US rules need consent before sending texts.',
    });
  });

  it('says which checks it enforces', () => {
    expect(enforcedChecks).toEqual(['hours', 'dnc', 'consent']);
  });
});
