// US state rules stricter than the federal ones, applied where the contact's state is known or presumed from its number.
// A reviewed list: each entry names its statute, and says so where we could not read the statute itself.
import type { Schedule } from '../hours.ts';
import type { FrequencyCap, RegionOverride } from './types.ts';
import { everyDay, monToFri, monToSat } from './weekdays.ts';

const eightToEight: Schedule = [{ days: everyDay, from: '08:00', to: '20:00' }];

const threeCallsPerDay = (source: string, counts: FrequencyCap['counts'], uncertain?: string): FrequencyCap[] =>
  counts.map((channel) => ({ channel, counts, max: 3, windowHours: 24, source, ...(uncertain && { uncertain }) }));

export const usStates: readonly RegionOverride[] = [
  {
    region: 'FL',
    name: 'Florida',
    source: 'Florida Telemarketing Act, Fla. Stat. 501.616(6) (as amended in 2023).',
    hours: { channels: { voice: eightToEight, sms: eightToEight }, source: 'Fla. Stat. 501.616(6)(a): no commercial telephone solicitation before 8 a.m. or after 8 p.m. local time.' },
    frequency: threeCallsPerDay(
      'Fla. Stat. 501.616(6)(b): at most 3 commercial telephone solicitation calls to a person in 24 hours on the same subject.',
      ['voice'],
      'We cannot tell subjects apart, so every call counts as the same subject (the stricter reading). Whether texts count is disputed; the Florida Telephone Solicitation Act counts them as calls for other purposes.',
    ),
  },
  {
    region: 'OK',
    name: 'Oklahoma',
    source: 'Oklahoma Telephone Solicitation Act of 2022, 15 O.S. 775C.4.',
    hours: { channels: { voice: eightToEight, sms: eightToEight }, source: '15 O.S. 775C.4(A)(4): no commercial telephonic sales call before 8 a.m. or after 8 p.m. local time.' },
    frequency: threeCallsPerDay(
      '15 O.S. 775C.4(A)(5): at most 3 commercial telephonic sales calls from any number to a person in 24 hours on the same subject.',
      ['voice'],
      'Every call counts as the same subject (the stricter reading).',
    ),
  },
  {
    region: 'MD',
    name: 'Maryland',
    source: 'Stop the Spam Calls Act of 2023, Md. Code, Com. Law 14-4501 to 14-4505.',
    hours: { channels: { voice: eightToEight, sms: eightToEight }, source: 'Com. Law 14-4503(2): no telephone solicitation before 8 a.m. or after 8 p.m. local time.' },
    frequency: threeCallsPerDay(
      'Com. Law 14-4503(3): at most 3 telephone solicitations to a person in 24 hours on the same subject; a telephone solicitation includes a text message (14-4501).',
      ['voice', 'sms'],
      'Every call or text counts as the same subject (the stricter reading).',
    ),
  },
  {
    region: 'WA',
    name: 'Washington',
    source: 'RCW 80.36.390(2).',
    hours: { channels: { voice: eightToEight, sms: eightToEight }, source: 'RCW 80.36.390(2): no telephone solicitation before 8 a.m. or after 8 p.m. at the called party’s location.' },
  },
  {
    region: 'LA',
    name: 'Louisiana',
    source: 'La. R.S. 45:844.14 and the Louisiana Telephone Solicitation Relief Act.',
    uncertain: 'Read second-hand: calls Monday to Saturday 08:00-20:00, none on Sundays or the state’s legal holidays (La. R.S. 1:55).',
    hours: { channels: { voice: [{ days: monToSat, from: '08:00', to: '20:00' }], sms: [{ days: monToSat, from: '08:00', to: '20:00' }] }, source: 'La. R.S. 45:844.14: 8 a.m. to 8 p.m., not on Sundays.' },
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: ["New Year's Day", 'Martin Luther King Jr. Day', "Washington's Birthday", 'Mardi Gras', 'Good Friday', 'Memorial Day', 'Juneteenth', 'Independence Day', 'Labor Day', 'Columbus Day', 'Election Day', 'Veterans Day', 'Thanksgiving Day', 'Christmas Day'],
      source: 'La. R.S. 45:844.14: no telephonic solicitation on a legal holiday; the legal holidays of La. R.S. 1:55.',
    },
  },
  {
    region: 'AL',
    name: 'Alabama',
    source: 'Alabama Telemarketing Act, Ala. Code 8-19A and Ala. Admin. Code 770-X-7.',
    uncertain: 'Read second-hand: calls Monday to Saturday 08:00-20:00, none on Sundays or state or national holidays.',
    hours: { channels: { voice: [{ days: monToSat, from: '08:00', to: '20:00' }], sms: [{ days: monToSat, from: '08:00', to: '20:00' }] }, source: 'Ala. Code 8-19A: no Sunday calls; 8 a.m. to 8 p.m.' },
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: ["New Year's Day", 'Robert E. Lee/Martin Luther King Birthday', 'George Washington/Thomas Jefferson Birthday', 'Confederate Memorial Day', 'Memorial Day', "Jefferson Davis' birthday", 'Juneteenth', 'Independence Day', 'Labor Day', 'Columbus Day', 'Veterans Day', 'Thanksgiving Day', 'Christmas Day'],
      source: 'Ala. Code 8-19A: no telephone solicitation on a state or national holiday; Alabama’s state holidays (Ala. Code 1-3-8).',
    },
  },
  {
    region: 'MS',
    name: 'Mississippi',
    source: 'Miss. Code 77-3-725 and 77-3-729.',
    uncertain: 'Read second-hand: calls Monday to Saturday 08:00-20:00, none on Sundays or legal holidays.',
    hours: { channels: { voice: [{ days: monToSat, from: '08:00', to: '20:00' }], sms: [{ days: monToSat, from: '08:00', to: '20:00' }] }, source: 'Miss. Code 77-3-725: 8 a.m. to 8 p.m., not on Sundays.' },
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: ["New Year's Day", "Martin Luther King's and Robert E. Lee's Birthdays", "Washington's Birthday", 'Confederate Memorial Day', 'Memorial Day', 'Juneteenth', 'Independence Day', 'Labor Day', 'Columbus Day', 'Veterans Day', 'Thanksgiving Day', 'Christmas Day'],
      source: 'Miss. Code 77-3-725: no telephone solicitation on a legal holiday (Miss. Code 3-3-7).',
    },
  },
  {
    region: 'RI',
    name: 'Rhode Island',
    source: 'R.I. Gen. Laws 5-61-3.4.',
    uncertain: 'Read second-hand: weekdays 09:00-18:00, Saturdays 10:00-17:00, never on Sundays or holidays.',
    hours: {
      channels: {
        voice: [{ days: monToFri, from: '09:00', to: '18:00' }, { days: ['sat'], from: '10:00', to: '17:00' }],
        sms: [{ days: monToFri, from: '09:00', to: '18:00' }, { days: ['sat'], from: '10:00', to: '17:00' }],
      },
      source: 'R.I. Gen. Laws 5-61-3.4(a): 9 a.m. to 6 p.m. weekdays, 10 a.m. to 5 p.m. Saturdays.',
    },
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: ["New Year's Day", 'Martin Luther King Jr. Day', "Washington's Birthday", 'Memorial Day', 'Juneteenth', 'Independence Day', 'Victory Day', 'Labor Day', 'Columbus Day', 'Veterans Day', 'Thanksgiving Day', 'Christmas Day'],
      source: 'R.I. Gen. Laws 5-61-3.4(a): no telephone solicitation on a legal holiday (R.I. Gen. Laws 25-1-1).',
    },
  },
  {
    region: 'UT',
    name: 'Utah',
    source: 'Utah Telephone Fraud Prevention Act, Utah Code 13-26-4, and Utah Code 13-25a-103.',
    uncertain: 'Read second-hand: calls 08:00-21:00, none on Sundays or legal holidays.',
    hours: { channels: { voice: [{ days: monToSat, from: '08:00', to: '21:00' }], sms: [{ days: monToSat, from: '08:00', to: '21:00' }] }, source: 'Utah Code 13-26-4: 8 a.m. to 9 p.m., not on Sundays.' },
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: ["New Year's Day", 'Martin Luther King Jr. Day', 'Washington and Lincoln Day', 'Memorial Day', 'Juneteenth', 'Independence Day', 'Pioneer Day', 'Labor Day', 'Columbus Day', 'Veterans Day', 'Thanksgiving Day', 'Christmas Day'],
      source: 'Utah Code 13-26-4: no telephone solicitation on a legal holiday (Utah Code 63G-1-301).',
    },
  },
];

export const usStateOverrides: ReadonlyMap<string, RegionOverride> = new Map(usStates.map((o) => [o.region, o]));
