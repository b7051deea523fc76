// Schedules of allowed local hours: whether a moment is inside one, and the next moment that is.
import { DateTime } from 'luxon';
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
        return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(from / 60), minute: from % 60 }, { zone }).toMillis();
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
