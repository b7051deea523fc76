// `wait`: holds the contact for a duration or until a time of day, as data (a due time), never as a sleep.
import { DateTime, Duration } from 'luxon';
import { isValidTimezone } from '../../schemas/fields.ts';
import type { NodeHandler } from './types.ts';

const weekdayNumbers = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 } as const;

export const wait: NodeHandler<'wait'> = {
  enter: ({ node, contact, journey, now }) => {
    const c = node.config;
    if (c.duration) {
      const fixed = fixedMillis(c.duration);
      if (fixed !== undefined) return { type: 'wait', until: now + fixed };
      return { type: 'wait', until: DateTime.fromMillis(now, { zone: journey.settings.timezone }).plus(Duration.fromISO(c.duration)).toMillis() };
    }
    const until = c.until!;
    const zone =
      until.timezone === 'contact' ? (contact.timezone && isValidTimezone(contact.timezone) ? contact.timezone : journey.settings.timezone) : until.timezone;
    return { type: 'wait', until: nextTimeOfDay(now, until.time, zone, until.days) };
  },
};

const fixedDurations = new Map<string, number | undefined>();

/**
 * Milliseconds of a duration made of hours, minutes and seconds only, which are the same length on any day; undefined
 * for days, weeks, months and years, which follow the calendar of the journey's zone (a day across a clock change
 * lasts 23 or 25 hours). Parsed once per text: every contact passing a wait asks for the same few durations.
 */
function fixedMillis(iso: string): number | undefined {
  if (fixedDurations.has(iso)) return fixedDurations.get(iso);
  const duration = Duration.fromISO(iso);
  const calendar = duration.years || duration.quarters || duration.months || duration.weeks || duration.days;
  const ms = calendar ? undefined : duration.as('milliseconds');
  fixedDurations.set(iso, ms);
  return ms;
}

/** The first moment after `now` at `time` in `zone`, on one of `days` when given. */
export function nextTimeOfDay(now: number, time: string, zone: string, days?: readonly (keyof typeof weekdayNumbers)[]): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const allowed = days ? new Set(days.map((d) => weekdayNumbers[d])) : undefined;
  let candidate = DateTime.fromMillis(now, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  for (let i = 0; i < 15; i++) {
    if (candidate.toMillis() > now && (!allowed || allowed.has(candidate.weekday as 1))) return candidate.toMillis();
    candidate = candidate.plus({ days: 1 }).set({ hour, minute });
  }
  return candidate.toMillis();
}
