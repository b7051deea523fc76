// Public holidays per country and region from date-holidays, by local calendar date, read once per year and region.
import Holidays from 'date-holidays';
import type { HolidayCountry } from './timezones.ts';

/** Local date (YYYY-MM-DD) to the names of the holidays on it. */
type HolidayCalendar = Map<string, string[]>;

const calendars = new Map<string, HolidayCalendar>();

// `bank` is how date-holidays files some countries' bank holidays; observances (Mother's Day) close nothing.
const closingTypes = new Set(['public', 'bank']);

function calendar(country: HolidayCountry, region: string | undefined, year: number): HolidayCalendar {
  const key = `${country}:${region ?? ''}:${year}`;
  let found = calendars.get(key);
  if (!found) {
    found = new Map();
    const source = region ? new Holidays(country, region) : new Holidays(country);
    for (const holiday of source.getHolidays(year)) {
      if (!closingTypes.has(holiday.type)) continue;
      // A holiday starting in the afternoon (some countries' Christmas Eve) closes the whole day: the stricter reading.
      const date = holiday.date.slice(0, 10);
      found.set(date, [...(found.get(date) ?? []), holiday.name]);
    }
    calendars.set(key, found);
  }
  return found;
}

const regionLists = new Map<HolidayCountry, string[]>();

/** The regions date-holidays knows for a country (US states, UK nations, AU states, NZ regions). */
export function regionsOf(country: HolidayCountry): string[] {
  let regions = regionLists.get(country);
  if (!regions) {
    regions = Object.keys((new Holidays().getStates(country) as Record<string, string> | undefined) ?? {});
    regionLists.set(country, regions);
  }
  return regions;
}

/**
 * The public holidays on a local date: the country's, plus the region's when `regional` is set. With `regional` and
 * no known region, every region's holidays count, because a contact we cannot place could be in any of them.
 */
export function holidaysOn(country: HolidayCountry, date: string, options: { national: boolean; regional: boolean; region?: string }): string[] {
  const year = Number(date.slice(0, 4));
  const names = new Set<string>();
  if (options.national) for (const n of calendar(country, undefined, year).get(date) ?? []) names.add(n);
  if (options.regional) {
    const known = options.region && regionsOf(country).includes(options.region);
    for (const region of known ? [options.region!] : regionsOf(country)) {
      for (const n of calendar(country, region, year).get(date) ?? []) names.add(n);
    }
  }
  return [...names];
}

// Holidays a state's law names that date-holidays does not list for that state (Pennsylvania's Good Friday and
// Election Day), as date-holidays rules; used only where the state's own calendar lacks the name.
const nationwideRules: Record<string, string> = {
  'Good Friday': 'easter -2',
  'Election Day': 'tuesday after 1st monday in November',
};

const fallbackCalendars = new Map<number, HolidayCalendar>();

function fallbackCalendar(year: number): HolidayCalendar {
  let found = fallbackCalendars.get(year);
  if (!found) {
    found = new Map();
    const source = new Holidays();
    for (const [name, rule] of Object.entries(nationwideRules)) source.setHoliday(rule, { name, type: 'public' });
    for (const holiday of source.getHolidays(year)) {
      const date = holiday.date.slice(0, 10);
      found.set(date, [...(found.get(date) ?? []), holiday.name]);
    }
    fallbackCalendars.set(year, found);
  }
  return found;
}

/** Which of `names` (as date-holidays spells them) fall on a local date in a region; substitute days count too. */
export function namedHolidaysOn(country: HolidayCountry, region: string, date: string, names: readonly string[]): string[] {
  const year = Number(date.slice(0, 4));
  const regional = calendar(country, region, year);
  const matches = (holiday: string) => names.some((n) => holiday === n || holiday.startsWith(`${n} (`));
  const found = (regional.get(date) ?? []).filter(matches);
  if (country !== 'US') return found;
  const listed = new Set([...regional.values()].flat());
  const missing = (fallbackCalendar(year).get(date) ?? []).filter((n) => names.includes(n) && !listed.has(n) && !found.includes(n));
  return [...found, ...missing];
}
