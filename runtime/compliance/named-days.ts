// Named days a region's law closes, looked up in date-holidays whatever type it gives them: its data can lag a law (it
// files British Columbia's National Day for Truth and Reconciliation, statutory since 2023, as an observance).
import Holidays from 'date-holidays';
import type { HolidayCountry } from './timezones.ts';

const calendars = new Map<string, Map<string, string[]>>();

function calendar(country: HolidayCountry, region: string, year: number): Map<string, string[]> {
  const key = `${country}:${region}:${year}`;
  let found = calendars.get(key);
  if (!found) {
    found = new Map();
    for (const holiday of new Holidays(country, region).getHolidays(year)) {
      const date = holiday.date.slice(0, 10);
      found.set(date, [...(found.get(date) ?? []), holiday.name]);
    }
    calendars.set(key, found);
  }
  return found;
}

/** Which of `names` fall on a local date (YYYY-MM-DD) in a region, public holidays and observances alike. */
export function namedDaysOn(country: HolidayCountry, region: string, date: string, names: readonly string[]): string[] {
  const onDate = calendar(country, region, Number(date.slice(0, 4))).get(date) ?? [];
  return onDate.filter((day) => names.some((n) => day === n || day.startsWith(`${n} (`)));
}
