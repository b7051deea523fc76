// Allowed contact hours per compliance profile and channel, and the next moment a contact may be reached.
import { DateTime } from 'luxon';
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { weekdays } from '../../schemas/fields.ts';

export type Weekday = (typeof weekdays)[number];
export type Channel = 'voice' | 'sms' | 'email';

/**
 * Local times on the listed days during which contact is allowed: `from` inclusive, `to` exclusive (so 21:00 means
 * the last allowed minute is 20:59). Times are HH:MM; `to` may be 24:00. A window never crosses midnight.
 */
export interface TimeWindow {
  days: readonly Weekday[];
  from: string;
  to: string;
}

export type Schedule = readonly TimeWindow[];

const everyDay = weekdays;
const monToFri: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

// Each profile errs on the stricter side of its sources, because a contact held for an hour costs little and a call
// at the wrong hour is a complaint or a fine. Public holidays are not in these tables: they belong to the `holidays`
// check. SMS follows the voice hours everywhere, though only the US applies its hours rule to texts in law (the FCC
// treats a text as a call under the TCPA); a text at 23:00 annoys as much as a call. Email has no hours rule in any
// of the four places, so `null`: any time.
const voiceHours: Record<ComplianceProfileId, Schedule> = {
  // 47 CFR 64.1200(c)(1) (TCPA): no telephone solicitation before 8 a.m. or after 9 p.m. at the called party's
  // location, every day. Stricter state rules (Florida, Texas, ...) are the state overrides' job.
  US: [{ days: everyDay, from: '08:00', to: '21:00' }],
  // No statute sets hours in the UK. The ICO only says "avoid antisocial hours"; the DMA's Telemarketing Guide gives
  // Mon-Fri 08:00-21:00, Sat 09:00-21:00 and no calls on Sundays or bank holidays. We take the guide as the rule.
  UK: [
    { days: monToFri, from: '08:00', to: '21:00' },
    { days: ['sat'], from: '09:00', to: '21:00' },
  ],
  // Telecommunications (Telemarketing and Research Calls) Industry Standard 2017, schedule 1: weekdays 09:00-20:00,
  // Saturday 09:00-17:00, no calls on Sunday or national public holidays (research calls have longer hours; we apply
  // the telemarketing ones to all calls).
  AU: [
    { days: monToFri, from: '09:00', to: '20:00' },
    { days: ['sat'], from: '09:00', to: '17:00' },
  ],
  // The Marketing Association's Telemarketing Code of Practice, as its members summarise it: 08:00-21:00 Monday to
  // Saturday, never on Sundays or public holidays. We could only read the code second-hand, so we keep a margin: the
  // day starts at 09:00 and Saturday ends at 18:00.
  NZ: [
    { days: monToFri, from: '09:00', to: '21:00' },
    { days: ['sat'], from: '09:00', to: '18:00' },
  ],
};

/** Allowed hours per profile and channel; `null` means the channel may be used at any time. */
export const contactHours: Record<ComplianceProfileId, Record<Channel, Schedule | null>> = {
  US: { voice: voiceHours.US, sms: voiceHours.US, email: null },
  UK: { voice: voiceHours.UK, sms: voiceHours.UK, email: null },
  AU: { voice: voiceHours.AU, sms: voiceHours.AU, email: null },
  NZ: { voice: voiceHours.NZ, sms: voiceHours.NZ, email: null },
};

function minutes(time: string): number {
  const match = /^(\d\d):(\d\d)$/.exec(time);
  const value = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(value >= 0 && value <= 24 * 60)) throw new RangeError(`"${time}" is not a time of day written as HH:MM`);
  return value;
}

function localTime(zone: string, now: number): DateTime {
  const local = DateTime.fromMillis(now, { zone });
  if (!local.isValid) throw new RangeError(`"${zone}" is not a time zone name such as America/New_York`);
  return local;
}

function weekdayOf(local: DateTime): Weekday {
  return weekdays[local.weekday - 1] as Weekday;
}

// Containment is decided on the wall clock, not by building instants, so that an hour repeated or skipped by a
// daylight-saving change can never move a window's edge.
function inside(windows: Schedule, local: DateTime): boolean {
  const day = weekdayOf(local);
  const minute = local.hour * 60 + local.minute;
  return windows.some((w) => w.days.includes(day) && minutes(w.from) <= minute && minute < minutes(w.to));
}

export function isAllowedNow(windows: Schedule, zone: string, now: number): boolean {
  return inside(windows, localTime(zone, now));
}

/**
 * The first moment at or after `now` (ms since the epoch) that falls inside `windows` in `zone`; `now` itself when it
 * is inside. Throws when the schedule allows no time at all, since no wait would ever end.
 */
export function nextAllowedMoment(windows: Schedule, zone: string, now: number): number {
  const local = localTime(zone, now);
  if (inside(windows, local)) return now;
  // Noon exists on every calendar day in every zone, so stepping from it lands on the right date even across a
  // daylight-saving change at midnight.
  const noon = local.set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
  for (let offset = 0; offset <= 7; offset++) {
    const day = noon.plus({ days: offset });
    const starts = windows
      .filter((w) => w.days.includes(weekdayOf(day)))
      .map((w) => {
        const from = minutes(w.from);
        // A start in an hour skipped or repeated by a clock change resolves to the later moment (luxon's rule), so a
        // contact may be held a little long but is never let through early.
        return DateTime.fromObject(
          { year: day.year, month: day.month, day: day.day, hour: Math.floor(from / 60), minute: from % 60 },
          { zone },
        ).toMillis();
      })
      .filter((start) => start > now);
    if (starts.length > 0) return Math.min(...starts);
  }
  throw new RangeError('The schedule allows no time on any day, so a contact held for it would wait forever');
}

const dayLabels: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

function describeDays(days: readonly Weekday[]): string {
  const sorted = weekdays.filter((d) => days.includes(d));
  const runs: Weekday[][] = [];
  for (const day of sorted) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && weekdays.indexOf(last) + 1 === weekdays.indexOf(day)) run.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) => {
      const first = dayLabels[run[0] as Weekday];
      const last = dayLabels[run.at(-1) as Weekday];
      return run.length === 1 ? first : `${first}${run.length === 2 ? ', ' : '-'}${last}`;
    })
    .join(', ');
}

/** "08:00-21:00" when every day is the same, else "Mon-Fri 09:00-20:00, Sat 09:00-17:00". */
export function describeSchedule(windows: Schedule): string {
  if (windows.length === 1 && windows[0]?.days.length === 7) return `${windows[0].from}-${windows[0].to}`;
  return windows.map((w) => `${describeDays(w.days)} ${w.from}-${w.to}`).join(', ');
}
