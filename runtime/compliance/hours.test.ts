import { describe, expect, it } from 'vitest';
import { describeSchedule, isAllowedNow, nextAllowedMoment, type Schedule } from './hours.ts';
import { profiles } from './profiles/index.ts';

const utc = (iso: string) => Date.parse(iso);
const everyDay8to9: Schedule = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '21:00' }];

describe('nextAllowedMoment', () => {
  it.each([
    // New York springs forward on Sunday 8 March 2026 (EST -05:00 to EDT -04:00).
    ['the evening before spring-forward, to 08:00 EDT', 'America/New_York', '2026-03-08T03:00:00Z', '2026-03-08T12:00:00Z'],
    ['07:59 EDT on the spring-forward day', 'America/New_York', '2026-03-08T11:59:00Z', '2026-03-08T12:00:00Z'],
    ['08:00 EDT on the spring-forward day is inside', 'America/New_York', '2026-03-08T12:00:00Z', '2026-03-08T12:00:00Z'],
    ['the repeated 01:30 on fall-back day, to 08:00 EST', 'America/New_York', '2026-11-01T05:30:00Z', '2026-11-01T13:00:00Z'],
    ['the evening before fall-back, to 08:00 EST', 'America/New_York', '2026-11-01T02:00:00Z', '2026-11-01T13:00:00Z'],
    ['20:59 EST on fall-back day is inside', 'America/New_York', '2026-11-02T01:59:00Z', '2026-11-02T01:59:00Z'],
    ['21:00 EST on fall-back day, to the next morning', 'America/New_York', '2026-11-02T02:00:00Z', '2026-11-02T13:00:00Z'],
    // London springs forward on Sunday 29 March 2026 and falls back on Sunday 25 October 2026.
    ['the evening before spring-forward, to 08:00 BST', 'Europe/London', '2026-03-28T22:00:00Z', '2026-03-29T07:00:00Z'],
    ['during the skipped hour, to 08:00 BST', 'Europe/London', '2026-03-29T01:30:00Z', '2026-03-29T07:00:00Z'],
    ['the evening before fall-back, to 08:00 GMT', 'Europe/London', '2026-10-24T21:00:00Z', '2026-10-25T08:00:00Z'],
    ['07:59 GMT on fall-back day', 'Europe/London', '2026-10-25T07:59:00Z', '2026-10-25T08:00:00Z'],
    ['a second before opening', 'Asia/Kolkata', '2026-06-01T02:29:59Z', '2026-06-01T02:30:00Z'],
  ])('%s', (_name, zone, now, expected) => {
    expect(new Date(nextAllowedMoment(everyDay8to9, zone, utc(now))).toISOString()).toBe(new Date(utc(expected)).toISOString());
  });

  it('skips days without hours across a clock change (UK, Saturday night to Monday)', () => {
    const monday = nextAllowedMoment(profiles.UK.hours.channels.voice!, 'Europe/London', utc('2026-10-24T20:00:00Z'));
    expect(new Date(monday).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('never opens early when a window starts in a skipped hour', () => {
    const schedule: Schedule = [{ days: ['sun'], from: '02:30', to: '05:00' }];
    const opens = nextAllowedMoment(schedule, 'America/New_York', utc('2026-03-08T05:00:00Z'));
    expect(new Date(opens).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('treats a whole-day window as always open', () => {
    const always: Schedule = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }];
    expect(isAllowedNow(always, 'Pacific/Auckland', utc('2026-04-05T13:59:59Z'))).toBe(true);
  });

  it('refuses a schedule that never opens and an unknown zone', () => {
    expect(() => nextAllowedMoment([], 'UTC', 0)).toThrow(/wait forever/);
    expect(() => nextAllowedMoment(everyDay8to9, 'Mars/Olympus', 0)).toThrow(/not a time zone/);
  });
});

describe('describeSchedule', () => {
  it('reads as a manager would write it', () => {
    expect(describeSchedule(profiles.US.hours.channels.voice!)).toBe('08:00-21:00');
    expect(describeSchedule(profiles.AU.hours.channels.voice!)).toBe('Mon-Fri 09:00-20:00, Sat 09:00-17:00');
    expect(describeSchedule([{ days: ['sat', 'mon', 'sun'], from: '10:00', to: '12:00' }])).toBe('Mon, Sat, Sun 10:00-12:00');
  });
});
