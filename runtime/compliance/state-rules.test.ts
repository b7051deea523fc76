// The US state rules added or changed on 2026-12-03, as a table: each case names the rule the gate reports, the
// citation it comes from, the moment in the contact's local time and the decision expected. Boundaries are tested the
// minute before and after; 2026-03-08 and 2026-11-01 are the Sundays the US clocks change.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkGate, type ContactHistory, type GateRequest } from './gate.ts';
import type { Channel } from './hours.ts';

const local = (zone: string, text: string) => {
  const t = DateTime.fromISO(text, { zone });
  if (!t.isValid) throw new Error(`bad time ${text} in ${zone}`);
  return t.toMillis();
};

interface Case {
  rule: string;
  cite: string;
  name: string;
  state?: string;
  zone: string;
  phone?: string;
  channel?: Channel;
  at: string;
  /** `allowed`, or held until a local time (or held without checking until when). */
  expected: 'allowed' | { held: string | true };
  history?: ContactHistory;
}

const cases: Case[] = [];

/** The four cases around a day's opening and closing, on a weekday (2026-01-14, a Wednesday). */
function boundaries(state: string, zone: string, cite: string, open: string, close: string, nextOpen: string) {
  const rule = `US-${state}.hours`;
  const [oh, om] = open.split(':').map(Number) as [number, number];
  const [ch, cm] = close.split(':').map(Number) as [number, number];
  const minute = (h: number, m: number, delta: number) => DateTime.fromObject({ hour: h, minute: m }).plus({ minutes: delta }).toFormat('HH:mm');
  const before = minute(oh, om, -1);
  const after = minute(oh, om, 1);
  const lastIn = minute(ch, cm, -1);
  const firstOut = minute(ch, cm, 1);
  cases.push({
    rule,
    cite,
    name: `${state} weekday ${before}: held to ${open}`,
    state,
    zone,
    at: `2026-01-14T${before}`,
    expected: { held: `2026-01-14T${open}` },
  });
  cases.push({ rule, cite, name: `${state} weekday ${after}: allowed`, state, zone, at: `2026-01-14T${after}`, expected: 'allowed' });
  cases.push({ rule, cite, name: `${state} weekday ${lastIn}: allowed`, state, zone, at: `2026-01-14T${lastIn}`, expected: 'allowed' });
  cases.push({
    rule,
    cite,
    name: `${state} weekday ${firstOut}: held to ${nextOpen}`,
    state,
    zone,
    at: `2026-01-14T${firstOut}`,
    expected: { held: nextOpen },
  });
}

// ---- Texas: Mon-Sat 09:00-21:00, Sunday 12:00-21:00; texts too since SB 140.
const tx = 'Tex. Bus. & Com. Code 301.051 (texts: SB 140, 2025)';
boundaries('TX', 'America/Chicago', tx, '09:00', '21:00', '2026-01-15T09:00');
cases.push(
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX Saturday 08:59: held to 09:00',
    state: 'TX',
    zone: 'America/Chicago',
    at: '2026-01-17T08:59',
    expected: { held: '2026-01-17T09:00' },
  },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX Saturday 21:01: held to Sunday noon',
    state: 'TX',
    zone: 'America/Chicago',
    at: '2026-01-17T21:01',
    expected: { held: '2026-01-18T12:00' },
  },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX Sunday 11:59: held to noon',
    state: 'TX',
    zone: 'America/Chicago',
    at: '2026-01-18T11:59',
    expected: { held: '2026-01-18T12:00' },
  },
  { rule: 'US-TX.hours', cite: tx, name: 'TX Sunday 12:01: allowed', state: 'TX', zone: 'America/Chicago', at: '2026-01-18T12:01', expected: 'allowed' },
  { rule: 'US-TX.hours', cite: tx, name: 'TX Sunday 20:59: allowed', state: 'TX', zone: 'America/Chicago', at: '2026-01-18T20:59', expected: 'allowed' },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX DST start (Sunday 2026-03-08) 11:59 CDT: held to 12:00 CDT',
    state: 'TX',
    zone: 'America/Chicago',
    at: '2026-03-08T11:59',
    expected: { held: '2026-03-08T12:00' },
  },
  { rule: 'US-TX.hours', cite: tx, name: 'TX DST start 12:01 CDT: allowed', state: 'TX', zone: 'America/Chicago', at: '2026-03-08T12:01', expected: 'allowed' },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX DST end (Sunday 2026-11-01) 11:59 CST: held to 12:00 CST',
    state: 'TX',
    zone: 'America/Chicago',
    at: '2026-11-01T11:59',
    expected: { held: '2026-11-01T12:00' },
  },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX El Paso (Mountain) Sunday 11:59: held to noon Mountain',
    state: 'TX',
    zone: 'America/Denver',
    at: '2026-01-18T11:59',
    expected: { held: '2026-01-18T12:00' },
  },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX texts Sunday 11:59: held',
    state: 'TX',
    zone: 'America/Chicago',
    channel: 'sms',
    at: '2026-01-18T11:59',
    expected: { held: '2026-01-18T12:00' },
  },
  {
    rule: 'US-TX.hours',
    cite: tx,
    name: 'TX Christmas (a Friday) at noon: allowed, no holiday rule',
    state: 'TX',
    zone: 'America/Chicago',
    at: '2026-12-25T12:00',
    expected: 'allowed',
  },
);

// ---- Kentucky: 10:00-21:00 every day.
const ky = 'KRS 367.46955';
boundaries('KY', 'America/New_York', ky, '10:00', '21:00', '2026-01-15T10:00');
cases.push(
  {
    rule: 'US-KY.hours',
    cite: ky,
    name: 'KY Sunday 10:01: allowed (no Sunday rule)',
    state: 'KY',
    zone: 'America/New_York',
    at: '2026-01-18T10:01',
    expected: 'allowed',
  },
  {
    rule: 'US-KY.hours',
    cite: ky,
    name: 'KY DST start (2026-03-08) 09:59 EDT: held to 10:00 EDT',
    state: 'KY',
    zone: 'America/New_York',
    at: '2026-03-08T09:59',
    expected: { held: '2026-03-08T10:00' },
  },
  {
    rule: 'US-KY.hours',
    cite: ky,
    name: 'KY DST end (2026-11-01) 10:01 EST: allowed',
    state: 'KY',
    zone: 'America/New_York',
    at: '2026-11-01T10:01',
    expected: 'allowed',
  },
  {
    rule: 'US-KY.hours',
    cite: ky,
    name: 'KY western (Central) 09:59: held',
    state: 'KY',
    zone: 'America/Chicago',
    at: '2026-01-14T09:59',
    expected: { held: '2026-01-14T10:00' },
  },
  {
    rule: 'US-KY.hours',
    cite: ky,
    name: 'KY Christmas at noon: allowed, no holiday rule',
    state: 'KY',
    zone: 'America/New_York',
    at: '2026-12-25T12:00',
    expected: 'allowed',
  },
);

// ---- Massachusetts: 08:00-20:00 every day.
const ma = '201 CMR 12.02(2), G.L. c.159C';
boundaries('MA', 'America/New_York', ma, '08:00', '20:00', '2026-01-15T08:00');
cases.push(
  { rule: 'US-MA.hours', cite: ma, name: 'MA Sunday 19:59: allowed', state: 'MA', zone: 'America/New_York', at: '2026-01-18T19:59', expected: 'allowed' },
  {
    rule: 'US-MA.hours',
    cite: ma,
    name: 'MA DST start (2026-03-08) 07:59 EDT: held to 08:00 EDT',
    state: 'MA',
    zone: 'America/New_York',
    at: '2026-03-08T07:59',
    expected: { held: '2026-03-08T08:00' },
  },
  {
    rule: 'US-MA.hours',
    cite: ma,
    name: 'MA DST end (2026-11-01) 20:01 EST: held to Monday 08:00',
    state: 'MA',
    zone: 'America/New_York',
    at: '2026-11-01T20:01',
    expected: { held: '2026-11-02T08:00' },
  },
  {
    rule: 'US-MA.hours',
    cite: ma,
    name: 'MA texts 20:01: held',
    state: 'MA',
    zone: 'America/New_York',
    channel: 'sms',
    at: '2026-01-14T20:01',
    expected: { held: '2026-01-15T08:00' },
  },
  {
    rule: 'US-MA.hours',
    cite: ma,
    name: 'MA presumed from area code 617, 20:01: held',
    zone: 'America/New_York',
    phone: '+16175550100',
    at: '2026-01-14T20:01',
    expected: { held: '2026-01-15T08:00' },
  },
);

// ---- Connecticut: 09:00-20:00 every day, texts included.
const ct = 'Conn. Gen. Stat. 42-288a (P.A. 23-98)';
boundaries('CT', 'America/New_York', ct, '09:00', '20:00', '2026-01-15T09:00');
cases.push(
  {
    rule: 'US-CT.hours',
    cite: ct,
    name: 'CT Sunday 08:59: held to 09:00',
    state: 'CT',
    zone: 'America/New_York',
    at: '2026-01-18T08:59',
    expected: { held: '2026-01-18T09:00' },
  },
  {
    rule: 'US-CT.hours',
    cite: ct,
    name: 'CT DST end (2026-11-01) 08:59 EST: held to 09:00 EST',
    state: 'CT',
    zone: 'America/New_York',
    at: '2026-11-01T08:59',
    expected: { held: '2026-11-01T09:00' },
  },
  {
    rule: 'US-CT.hours',
    cite: ct,
    name: 'CT DST start (2026-03-08) 19:59 EDT: allowed',
    state: 'CT',
    zone: 'America/New_York',
    at: '2026-03-08T19:59',
    expected: 'allowed',
  },
  {
    rule: 'US-CT.hours',
    cite: ct,
    name: 'CT texts 20:01: held',
    state: 'CT',
    zone: 'America/New_York',
    channel: 'sms',
    at: '2026-01-14T20:01',
    expected: { held: '2026-01-15T09:00' },
  },
  {
    rule: 'US-CT.hours',
    cite: `${ct}; area-code presumption 42-288(c)`,
    name: 'CT presumed from area code 203, 08:59: held',
    zone: 'America/New_York',
    phone: '+12035550100',
    at: '2026-01-14T08:59',
    expected: { held: '2026-01-14T09:00' },
  },
);

// ---- Mississippi: Mon-Sat 08:00-20:00, no Sundays; the holiday ban is gone.
const ms = 'Miss. Code 77-3-723(1)';
boundaries('MS', 'America/Chicago', ms, '08:00', '20:00', '2026-01-15T08:00');
cases.push(
  {
    rule: 'US-MS.hours',
    cite: ms,
    name: 'MS Saturday 20:01: held past Sunday to Monday 08:00',
    state: 'MS',
    zone: 'America/Chicago',
    at: '2026-01-17T20:01',
    expected: { held: '2026-01-19T08:00' },
  },
  {
    rule: 'US-MS.hours',
    cite: ms,
    name: 'MS Sunday noon: held to Monday 08:00',
    state: 'MS',
    zone: 'America/Chicago',
    at: '2026-01-18T12:00',
    expected: { held: '2026-01-19T08:00' },
  },
  {
    rule: 'US-MS.hours',
    cite: ms,
    name: 'MS DST start (Sunday 2026-03-08) noon: held to Monday 08:00 CDT',
    state: 'MS',
    zone: 'America/Chicago',
    at: '2026-03-08T12:00',
    expected: { held: '2026-03-09T08:00' },
  },
  {
    rule: 'US-MS.hours',
    cite: ms,
    name: 'MS DST end (Sunday 2026-11-01) noon: held to Monday 08:00 CST',
    state: 'MS',
    zone: 'America/Chicago',
    at: '2026-11-01T12:00',
    expected: { held: '2026-11-02T08:00' },
  },
  {
    rule: 'US-MS.hours',
    cite: `${ms}; PSC holiday rule repealed after HB 1225 (2023)`,
    name: 'MS Christmas (a Friday) at noon: allowed',
    state: 'MS',
    zone: 'America/Chicago',
    at: '2026-12-25T12:00',
    expected: 'allowed',
  },
  {
    rule: 'US-MS.hours',
    cite: `${ms}; PSC holiday rule repealed after HB 1225 (2023)`,
    name: 'MS Confederate Memorial Day (2026-04-27) at noon: allowed',
    state: 'MS',
    zone: 'America/Chicago',
    at: '2026-04-27T12:00',
    expected: 'allowed',
  },
);

// ---- Alabama: the federal rule; the PSC's Sunday and holiday ban binds telephone utilities only.
const al = 'Ala. Admin. Code r. 770-X-5-.01 and 770-X-5-.17 (telephone utilities only)';
cases.push(
  { rule: 'US.hours', cite: al, name: 'AL Sunday noon: allowed', state: 'AL', zone: 'America/Chicago', at: '2026-01-18T12:00', expected: 'allowed' },
  {
    rule: 'US.hours',
    cite: al,
    name: 'AL Confederate Memorial Day (2026-04-27) at noon: allowed',
    state: 'AL',
    zone: 'America/Chicago',
    at: '2026-04-27T12:00',
    expected: 'allowed',
  },
  {
    rule: 'US.hours',
    cite: al,
    name: 'AL weekday 20:30: allowed (federal close 21:00)',
    state: 'AL',
    zone: 'America/Chicago',
    at: '2026-01-14T20:30',
    expected: 'allowed',
  },
  {
    rule: 'US.hours',
    cite: `${al}; 47 CFR 64.1200(c)(1)`,
    name: 'AL weekday 21:01: held by the federal rule',
    state: 'AL',
    zone: 'America/Chicago',
    at: '2026-01-14T21:01',
    expected: { held: '2026-01-15T08:00' },
  },
  {
    rule: 'US.hours',
    cite: `${al}; 47 CFR 64.1200(c)(1)`,
    name: 'AL DST start (Sunday 2026-03-08) 07:59 CDT: held by the federal rule',
    state: 'AL',
    zone: 'America/Chicago',
    at: '2026-03-08T07:59',
    expected: { held: '2026-03-08T08:00' },
  },
);

// ---- Pennsylvania: legal holidays (Act 73 of 2019); the hours stay federal (SB 992 is not law as of 2026-12-03).
const pa = '73 P.S. 2245(a)(10) (Act 73 of 2019); hours 47 CFR 64.1200(c)(1)';
cases.push(
  {
    rule: 'US.hours',
    cite: pa,
    name: 'PA Sunday noon: allowed (SB 992 not enacted)',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-01-11T12:00',
    expected: 'allowed',
  },
  {
    rule: 'US.hours',
    cite: pa,
    name: 'PA weekday 20:30: allowed (federal close 21:00)',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-01-14T20:30',
    expected: 'allowed',
  },
  {
    rule: 'US-PA.holidays',
    cite: pa,
    name: 'PA Martin Luther King Jr. Day (2026-01-19) at noon: held to Tuesday 08:00',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-01-19T12:00',
    expected: { held: '2026-01-20T08:00' },
  },
  {
    rule: 'US-PA.holidays',
    cite: pa,
    name: 'PA Good Friday (2026-04-03) at noon: held',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-04-03T12:00',
    expected: { held: '2026-04-04T08:00' },
  },
  {
    rule: 'US-PA.holidays',
    cite: pa,
    name: 'PA Election Day (2026-11-03) at noon: held',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-11-03T12:00',
    expected: { held: '2026-11-04T08:00' },
  },
  {
    rule: 'US-PA.holidays',
    cite: pa,
    name: 'PA Independence Day (Saturday 2026-07-04) at noon: held',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-07-04T12:00',
    expected: { held: true },
  },
  {
    rule: 'US-PA.holidays',
    cite: pa,
    name: 'PA day after Good Friday (Saturday 2026-04-04) at noon: allowed',
    state: 'PA',
    zone: 'America/New_York',
    at: '2026-04-04T12:00',
    expected: 'allowed',
  },
);

// ---- Oregon: 08:00-20:00 and at most 3 calls and texts in 24 hours (HB 3865, 2026-01-01).
const or = 'ORS 646.561-646.565 as amended by HB 3865 (2025)';
boundaries('OR', 'America/Los_Angeles', or, '08:00', '20:00', '2026-01-15T08:00');
const orNoon = local('America/Los_Angeles', '2026-01-14T12:00');
const hour = 60 * 60 * 1000;
const attempts = (times: { channel: Channel; at: number }[]): ContactHistory => ({
  attemptsSince: (_value, channels, since) =>
    times
      .filter((t) => channels.includes(t.channel) && t.at > since)
      .map((t) => t.at)
      .sort((a, b) => a - b),
  lastAbandonedAt: () => undefined,
});
cases.push(
  {
    rule: 'US-OR.frequency',
    cite: or,
    name: 'OR 2 calls and 1 text in 24 h: a fourth contact held',
    state: 'OR',
    zone: 'America/Los_Angeles',
    at: '2026-01-14T12:00',
    history: attempts([
      { channel: 'voice', at: orNoon - 3 * hour },
      { channel: 'voice', at: orNoon - 2 * hour },
      { channel: 'sms', at: orNoon - hour },
    ]),
    expected: { held: true },
  },
  {
    rule: 'US-OR.frequency',
    cite: or,
    name: 'OR 3 texts in 24 h: a fourth text held',
    state: 'OR',
    zone: 'America/Los_Angeles',
    channel: 'sms',
    at: '2026-01-14T12:00',
    history: attempts([
      { channel: 'sms', at: orNoon - 3 * hour },
      { channel: 'sms', at: orNoon - 2 * hour },
      { channel: 'sms', at: orNoon - hour },
    ]),
    expected: { held: true },
  },
  {
    rule: 'US-OR.frequency',
    cite: or,
    name: 'OR 2 contacts in 24 h: a third allowed',
    state: 'OR',
    zone: 'America/Los_Angeles',
    at: '2026-01-14T12:00',
    history: attempts([
      { channel: 'voice', at: orNoon - 3 * hour },
      { channel: 'sms', at: orNoon - hour },
    ]),
    expected: 'allowed',
  },
);

// ---- South Dakota: automated dialing systems on weekdays 09:00-21:00 only.
const sd = 'SDCL 37-30-28';
boundaries('SD', 'America/Chicago', sd, '09:00', '21:00', '2026-01-15T09:00');
cases.push(
  {
    rule: 'US-SD.hours',
    cite: sd,
    name: 'SD Saturday noon: held to Monday 09:00',
    state: 'SD',
    zone: 'America/Chicago',
    at: '2026-01-17T12:00',
    expected: { held: '2026-01-19T09:00' },
  },
  {
    rule: 'US-SD.hours',
    cite: sd,
    name: 'SD DST start (Sunday 2026-03-08) noon: held to Monday 09:00 CDT',
    state: 'SD',
    zone: 'America/Chicago',
    at: '2026-03-08T12:00',
    expected: { held: '2026-03-09T09:00' },
  },
);

// ---- States from one secondary table, applied as the stricter reading.
boundaries('MI', 'America/Detroit', 'dropcowboy.com state table (MCL 445.111 et seq. not confirmed)', '09:00', '21:00', '2026-01-15T09:00');
boundaries('MN', 'America/Chicago', 'dropcowboy.com state table (Minn. Stat. 325E.27 not confirmed)', '09:00', '21:00', '2026-01-15T09:00');
boundaries('NM', 'America/Denver', 'dropcowboy.com state table (NMSA 57-12-22 not confirmed)', '09:00', '21:00', '2026-01-15T09:00');
boundaries('NV', 'America/Los_Angeles', 'dropcowboy.com state table (NRS 228/599B not confirmed)', '09:00', '20:00', '2026-01-15T09:00');
boundaries('WY', 'America/Denver', 'glama.ai call-desk description (no statute found)', '08:00', '20:00', '2026-01-15T08:00');

// ---- A state that repeats the federal rule has a row, and the federal rule decides.
cases.push(
  {
    rule: 'US.hours',
    cite: 'D.C. Code 22-3226.08(3)',
    name: 'DC 20:59: allowed',
    state: 'DC',
    zone: 'America/New_York',
    at: '2026-01-14T20:59',
    expected: 'allowed',
  },
  {
    rule: 'US.hours',
    cite: 'D.C. Code 22-3226.08(3)',
    name: 'DC 21:01: held to 08:00',
    state: 'DC',
    zone: 'America/New_York',
    at: '2026-01-14T21:01',
    expected: { held: '2026-01-15T08:00' },
  },
);

describe('US state rules added or changed (2026-12-03)', () => {
  it.each(cases.map((c) => [`[${c.rule}] ${c.name} (${c.cite})`, c] as const))('%s', (_name, c) => {
    const channel = c.channel ?? 'voice';
    const request: GateRequest = {
      channel,
      profile: 'US',
      checks: ['hours', 'holidays', 'dnc', 'consent', 'frequency'],
      outsideHours: 'defer',
      defaultTimezone: 'Nowhere/Land',
      contact: { phone: c.phone ?? '+12125550100', email: null, timezone: c.zone, consent: { sms: true }, ...(c.state && { state: c.state }) },
      now: local(c.zone, c.at),
      isDoNotContact: () => false,
      ...(c.history && { history: c.history }),
    };
    const decision = checkGate(request);
    if (c.expected === 'allowed') {
      expect(decision, JSON.stringify(decision)).toMatchObject({ allowed: true });
      return;
    }
    expect(decision, JSON.stringify(decision)).toMatchObject({ allowed: false, action: 'defer', rule: c.rule });
    if (c.expected.held !== true && !decision.allowed && decision.action === 'defer') {
      expect(new Date(decision.until).toISOString()).toBe(new Date(local(c.zone, c.expected.held)).toISOString());
    }
  });
});
