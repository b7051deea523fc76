// When a contact may be reached: every schedule open in every zone the contact may be in, and no closed day in any.
import { DateTime } from 'luxon';
import { isAllowedNow, nextAllowedMoment, type Schedule } from './hours.ts';

export interface AllowedTimes {
  /** All must be open; a state's hours add to the country's rather than replace them, so the stricter wins. */
  schedules: readonly Schedule[];
  zones: readonly string[];
  /** Why a local date (YYYY-MM-DD) in a zone is closed (a holiday's name), or undefined when it is not. */
  closedDay?: (zone: string, date: string) => string | undefined;
}

const day = 24 * 60 * 60 * 1000;
/** How far ahead to look for a common open moment before concluding there is none. */
const horizon = 60 * day;

function localDate(zone: string, at: number): string {
  return DateTime.fromMillis(at, { zone }).toISODate()!;
}

/** Why `at` is closed in `zone`: the holiday's name, "hours", or undefined when it is open there. */
export function closedReason(times: AllowedTimes, zone: string, at: number): string | undefined {
  const holiday = times.closedDay?.(zone, localDate(zone, at));
  if (holiday) return holiday;
  return times.schedules.every((s) => isAllowedNow(s, zone, at)) ? undefined : 'hours';
}

/** The start of the next local day in `zone` after `at`. */
function nextMidnight(zone: string, at: number): number {
  return DateTime.fromMillis(at, { zone }).plus({ days: 1 }).startOf('day').toMillis();
}

/** The first moment at or after `at` when one zone is open, or undefined within the horizon. */
function nextOpenIn(times: AllowedTimes, zone: string, at: number, limit: number): number | undefined {
  let t = at;
  while (t <= limit) {
    if (times.closedDay?.(zone, localDate(zone, t))) {
      t = nextMidnight(zone, t);
      continue;
    }
    // Each schedule's next opening; the latest of them is the earliest moment all could be open.
    const opens = times.schedules.map((s) => nextAllowedMoment(s, zone, t));
    const latest = Math.max(t, ...opens);
    if (latest === t) return t;
    t = latest;
  }
  return undefined;
}

/**
 * The first moment at or after `at` when the contact is open in all its zones, or undefined when the zones' windows
 * never overlap (for example Sydney and Perth on a day one of them closes early): such a contact cannot be held.
 */
export function nextOpen(times: AllowedTimes, at: number): number | undefined {
  if (times.schedules.some((s) => s.length === 0)) return undefined;
  const limit = at + horizon;
  let t = at;
  while (t <= limit) {
    let latest = t;
    for (const zone of times.zones) {
      const open = nextOpenIn(times, zone, t, limit);
      if (open === undefined) return undefined;
      latest = Math.max(latest, open);
    }
    if (latest === t) return t;
    t = latest;
  }
  return undefined;
}
