// US state rules, one row for each of the 50 states and DC, applied where the contact's state is known or presumed
// from its number. A row without hours, holidays or caps repeats the federal rule: it is there to show the state was
// checked. Each row names its statute, the day it was checked and how sure we are; a rule read in one secondary source
// only is applied as the stricter reading and says so in `uncertain`.
import type { Schedule } from '../hours.ts';
import type { Confidence, FrequencyCap, RegionOverride } from './types.ts';
import { everyDay, monToFri, monToSat } from './weekdays.ts';

const daily = (from: string, to: string): Schedule => [{ days: everyDay, from, to }];
const eightToEight = daily('08:00', '20:00');

const threeCallsPerDay = (source: string, counts: FrequencyCap['counts'], uncertain?: string): FrequencyCap[] =>
  counts.map((channel) => ({ channel, counts, max: 3, windowHours: 24, source, ...(uncertain && { uncertain }) }));

/** The same hours for calls and texts: where a state's law is silent on texts, applying its hours to them is stricter. */
const callsAndTexts = (schedule: Schedule, source: string, uncertain?: string): NonNullable<RegionOverride['hours']> => ({
  channels: { voice: schedule, sms: schedule },
  source,
  ...(uncertain && { uncertain }),
});

const reviewed = '2026-12-02';
const today = '2026-12-03';

// The secondary tables that list the states with rules stricter than the federal ones; a state absent from both is
// taken to have none, which is why such rows are of low confidence until their statutes are read.
const absentFromTables =
  'No calling-hours, Sunday, holiday or frequency rule stricter than the federal one in the state tables of dropcowboy.com (updated 2025-11-01) and clickpointsoftware.com (reviewed 2025-07); the statute was not read.';

const federalOnly = (
  region: string,
  name: string,
  extra: { source?: string; checkedOn?: string; confidence?: Confidence; notApplied?: string } = {},
): RegionOverride => ({
  region,
  name,
  source: extra.source ?? absentFromTables,
  checkedOn: extra.checkedOn ?? reviewed,
  confidence: extra.confidence ?? 'low',
  textsCount: 'not stated',
  ...(extra.notApplied && { notApplied: extra.notApplied }),
});

const recordedOnly = 'It concerns recorded-message (ADAD) calls; calls placed here connect to an agent, so it is not applied.';

export const usStates: readonly RegionOverride[] = [
  federalOnly('AL', 'Alabama', {
    source: 'No Alabama statute sets calling hours: the Alabama Telemarketing Act (Ala. Code 8-19A) and the do-not-call law (Ala. Code 8-19C) have none.',
    checkedOn: today,
    confidence: 'medium',
    notApplied:
      'Ala. Admin. Code r. 770-X-5-.17(1)(b) forbids automated solicitation calls on Sundays and holidays and outside 08:00-20:00, but it is one of the Public Service Commission’s telephone rules, which apply to the telephone utilities under the Commission (r. 770-X-5-.01, “Application of Rules”). A caller that is such a utility must add it.',
  }),
  federalOnly('AK', 'Alaska'),
  federalOnly('AZ', 'Arizona'),
  federalOnly('AR', 'Arkansas'),
  federalOnly('CA', 'California'),
  federalOnly('CO', 'Colorado'),
  {
    region: 'CT',
    name: 'Connecticut',
    source: 'Conn. Gen. Stat. 42-288a, as amended by P.A. 23-98 (effective 2023-10-01).',
    checkedOn: today,
    confidence: 'medium',
    textsCount: 'yes',
    hours: callsAndTexts(
      daily('09:00', '20:00'),
      'Conn. Gen. Stat. 42-288a (P.A. 23-98): telephonic sales calls only between nine o’clock a.m. and eight o’clock p.m. local time; a telephonic sales call includes a text or media message.',
      'The statute’s words were read as quoted by Klein Moynihan Turco and dnc.com, not on cga.ct.gov; one table says 21:00, so the earlier close is taken.',
    ),
  },
  federalOnly('DE', 'Delaware'),
  federalOnly('DC', 'District of Columbia', {
    source: 'D.C. Code 22-3226.08(3): no telephone solicitation to a residence before 8:00 a.m. or after 9:00 p.m. local time, the federal hours.',
    checkedOn: today,
    confidence: 'high',
  }),
  {
    region: 'FL',
    name: 'Florida',
    source: 'Florida Telemarketing Act, Fla. Stat. 501.616(6) (as amended by 2021 SB 1120).',
    checkedOn: reviewed,
    confidence: 'high',
    textsCount: 'not stated',
    hours: callsAndTexts(eightToEight, 'Fla. Stat. 501.616(6)(a): no commercial telephone solicitation before 8 a.m. or after 8 p.m. local time.'),
    frequency: threeCallsPerDay(
      'Fla. Stat. 501.616(6)(b): at most 3 commercial telephone solicitation calls to a person in 24 hours on the same subject.',
      ['voice'],
      'We cannot tell subjects apart, so every call counts as the same subject (the stricter reading). Whether texts count is disputed; the Florida Telephone Solicitation Act counts them as calls for other purposes.',
    ),
  },
  federalOnly('GA', 'Georgia'),
  federalOnly('HI', 'Hawaii'),
  federalOnly('ID', 'Idaho'),
  federalOnly('IL', 'Illinois', {
    notApplied: `815 ILCS 305 (Automatic Telephone Dialers Act): prerecorded calls only 09:00-21:00, per one secondary table. ${recordedOnly}`,
  }),
  federalOnly('IN', 'Indiana', {
    notApplied: `Ind. Code 24-5-14: automatic dialing-announcing device calls only 09:00-20:00, per secondary sources. ${recordedOnly}`,
  }),
  federalOnly('IA', 'Iowa'),
  federalOnly('KS', 'Kansas'),
  {
    region: 'KY',
    name: 'Kentucky',
    source: 'KRS 367.46955 (prohibited telephone solicitation acts and practices).',
    checkedOn: today,
    confidence: 'medium',
    textsCount: 'not stated',
    hours: callsAndTexts(
      daily('10:00', '21:00'),
      'KRS 367.46955: no telephone solicitation to a person’s residence at any time other than between 10 a.m. and 9 p.m. local time at the called person’s location.',
      'The subsection ((15) or (16)) and the words were read second-hand (dropcowboy.com, clickpointsoftware.com and compliance code quoting apps.legislature.ky.gov). A telephone solicitation covers calls to mobile numbers (KRS 367.46951); texts are not named, and keep the hours.',
    ),
    notApplied: 'KRS 367.461(2)(e): automated calling equipment only 08:00-21:00, within the hours above.',
  },
  {
    region: 'LA',
    name: 'Louisiana',
    source: 'La. R.S. 45:811 and Louisiana Public Service Commission General Order R-29617, V(A)(2).',
    checkedOn: reviewed,
    confidence: 'high',
    textsCount: 'not stated',
    hours: {
      channels: { voice: [{ days: monToSat, from: '08:00', to: '20:00' }], sms: [{ days: monToSat, from: '08:00', to: '20:00' }] },
      source: 'La. R.S. 45:811(2)-(3): no telephonic solicitation, by automatic dialer or live operator, before 8 a.m. or after 8 p.m., or on a Sunday.',
    },
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: [
        "New Year's Day",
        'Martin Luther King Jr. Day',
        "Washington's Birthday",
        'Mardi Gras',
        'Good Friday',
        'Memorial Day',
        'Juneteenth',
        'Independence Day',
        'Labor Day',
        'Columbus Day',
        'Election Day',
        'Veterans Day',
        'Thanksgiving Day',
        'Christmas Day',
      ],
      source: 'La. R.S. 45:811(3) and LPSC General Order R-29617: no telephonic solicitation on a state holiday (La. R.S. 1:55).',
      uncertain: 'The governor can declare extra holidays (2023-07-03 was one); those are not in the calendar we use.',
    },
    notApplied: 'La. R.S. 45:844.31 forbids telemarketing, texts included, into an area under a declared state of emergency; we have no feed of declarations.',
  },
  federalOnly('ME', 'Maine', {
    notApplied: `10 M.R.S. 1498: automated telephone solicitation only Monday to Friday 09:00-17:00, per one secondary source. ${recordedOnly}`,
  }),
  {
    region: 'MD',
    name: 'Maryland',
    source: 'Stop the Spam Calls Act of 2023, Md. Code, Com. Law 14-4501 to 14-4505 (effective 2024-01-01).',
    checkedOn: reviewed,
    confidence: 'medium',
    textsCount: 'yes',
    hours: callsAndTexts(eightToEight, 'Com. Law 14-4503(2): no telephone solicitation before 8 a.m. or after 8 p.m. local time.'),
    frequency: threeCallsPerDay(
      'Com. Law 14-4503(3): at most 3 telephone solicitations to a person in 24 hours on the same subject; a telephone solicitation includes a text message (14-4501).',
      ['voice', 'sms'],
      'Every call or text counts as the same subject (the stricter reading).',
    ),
  },
  {
    region: 'MA',
    name: 'Massachusetts',
    source: 'Mass. G.L. c.159C and its regulation 201 CMR 12.02(2).',
    checkedOn: today,
    confidence: 'high',
    textsCount: 'not stated',
    hours: callsAndTexts(
      eightToEight,
      '201 CMR 12.02(2), under G.L. c.159C: no unsolicited telephonic sales call between 8:00 p.m. and 8:00 a.m., local time at the consumer’s location.',
      'Texts are not named; they keep the hours.',
    ),
  },
  {
    region: 'MI',
    name: 'Michigan',
    source: 'Michigan telephone solicitation law (MCL 445.111 et seq.); the section with the hours was not found.',
    uncertain: 'One secondary table (dropcowboy.com) gives 09:00-21:00; applied as the stricter reading until the statute is read.',
    checkedOn: reviewed,
    confidence: 'low',
    textsCount: 'not stated',
    hours: callsAndTexts(daily('09:00', '21:00'), 'dropcowboy.com state table: calls 09:00-21:00.'),
  },
  {
    region: 'MN',
    name: 'Minnesota',
    source: 'Minnesota telephone solicitation law (Minn. Stat. 325E.26 to 325E.31); the section with the hours was not read.',
    uncertain:
      'One secondary table (dropcowboy.com) gives 09:00-21:00, perhaps for automatic dialing-announcing devices only (325E.27); applied to all calls and texts as the stricter reading.',
    checkedOn: reviewed,
    confidence: 'low',
    textsCount: 'not stated',
    hours: callsAndTexts(daily('09:00', '21:00'), 'dropcowboy.com state table: calls 09:00-21:00.'),
  },
  {
    region: 'MS',
    name: 'Mississippi',
    source: 'Mississippi Telephone Solicitation Act, Miss. Code 77-3-723(1).',
    checkedOn: today,
    confidence: 'high',
    textsCount: 'yes',
    hours: callsAndTexts(
      [{ days: monToSat, from: '08:00', to: '20:00' }],
      'Miss. Code 77-3-723(1): authorized telephone solicitations only between 8:00 a.m. and 8:00 p.m. Central Standard Time; no telephone solicitations on a Sunday. The Act covers texts (77-3-703).',
      'The statute says Central Standard Time; we read it as the local clock, as the Attorney General’s office does, not as 09:00-21:00 while daylight time is in force.',
    ),
    notApplied:
      'The ban on legal holidays was a Public Service Commission rule (39 Miss. Admin. Code Pt. I, R. 1:28), repealed after HB 1225 (2023) moved enforcement to the Attorney General; the Attorney General’s office confirmed that holidays are no longer restricted (dnc.com, 2024-06-03). The statute has none.',
  },
  federalOnly('MO', 'Missouri'),
  federalOnly('MT', 'Montana'),
  federalOnly('NE', 'Nebraska', {
    notApplied: `Neb. Admin. Code tit. 291 ch. 11 §3: prerecorded calls on Sundays and holidays only 13:00-21:00, per one secondary source. ${recordedOnly}`,
  }),
  {
    region: 'NV',
    name: 'Nevada',
    source: 'Nevada solicitation by telephone (NRS 228 and 599B); the section with the hours was not read.',
    uncertain:
      'One secondary table (dropcowboy.com) gives 09:00-20:00, where a summary of NAC 599B gives 08:00-21:00; the stricter 09:00-20:00 is applied until the law is read.',
    checkedOn: reviewed,
    confidence: 'low',
    textsCount: 'not stated',
    hours: callsAndTexts(daily('09:00', '20:00'), 'dropcowboy.com state table: calls 09:00-20:00.'),
  },
  federalOnly('NH', 'New Hampshire'),
  federalOnly('NJ', 'New Jersey'),
  {
    region: 'NM',
    name: 'New Mexico',
    source: 'New Mexico telephone solicitation law (NMSA 57-12-22); not confirmed.',
    uncertain: 'One secondary table (dropcowboy.com) gives 09:00-21:00; applied as the stricter reading until the statute is read.',
    checkedOn: reviewed,
    confidence: 'low',
    textsCount: 'not stated',
    hours: callsAndTexts(daily('09:00', '21:00'), 'dropcowboy.com state table: calls 09:00-21:00.'),
  },
  federalOnly('NY', 'New York'),
  federalOnly('NC', 'North Carolina'),
  federalOnly('ND', 'North Dakota'),
  federalOnly('OH', 'Ohio'),
  {
    region: 'OK',
    name: 'Oklahoma',
    source: 'Oklahoma Telephone Solicitation Act of 2022, 15 O.S. 775C.4 (effective 2022-11-01).',
    checkedOn: reviewed,
    confidence: 'medium',
    textsCount: 'yes',
    hours: callsAndTexts(eightToEight, '15 O.S. 775C.4(A)(4): no commercial telephonic sales call before 8 a.m. or after 8 p.m. local time.'),
    frequency: threeCallsPerDay(
      '15 O.S. 775C.4(A)(5): at most 3 commercial telephonic sales calls from any number to a person in 24 hours on the same subject.',
      ['voice'],
      'Every call counts as the same subject (the stricter reading).',
    ),
    notApplied: `15 O.S. 755.1: automatic dialing-announcing device calls only 09:00-21:00. ${recordedOnly}`,
  },
  {
    region: 'OR',
    name: 'Oregon',
    source: 'Oregon telephone solicitation law (ORS 646.561 to 646.565) as amended by HB 3865 (2025), effective 2026-01-01.',
    checkedOn: today,
    confidence: 'medium',
    textsCount: 'yes',
    hours: callsAndTexts(
      eightToEight,
      'HB 3865 (2025): a telephone solicitation, texts included, outside 8 a.m. to 8 p.m. is an unlawful practice.',
      'Read in summaries (Troutman Pepper Locke, 2025-07; the Senate Judiciary committee’s A3 amendment), not in the enrolled text.',
    ),
    frequency: threeCallsPerDay(
      'HB 3865 (2025): at most 3 telephone solicitations, calls and texts, to a party in 24 hours unless there is an established business relationship.',
      ['voice', 'sms'],
      'We do not record business relationships, so the cap applies to everyone (the stricter reading).',
    ),
  },
  {
    region: 'PA',
    name: 'Pennsylvania',
    source: 'Telemarketer Registration Act, 73 P.S. 2241 et seq., as amended by Act 73 of 2019 (effective 2019-12-03).',
    checkedOn: today,
    confidence: 'medium',
    textsCount: 'not stated',
    notApplied:
      'SB 992 (2025-2026 session) would ban telemarketing calls and texts on Sundays and between 7 p.m. and 9 a.m.; it passed the Senate, but no source read on 2026-12-03 shows it enacted, so the federal hours stand until it is. Apply it by hand if it becomes law.',
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: [
        "New Year's Day",
        'Martin Luther King Jr. Day',
        "Presidents' Day",
        'Good Friday',
        'Memorial Day',
        'Flag Day',
        'Juneteenth',
        'Independence Day',
        'Labor Day',
        'Columbus Day',
        'Election Day',
        'Veterans Day',
        'Thanksgiving Day',
        'Christmas Day',
      ],
      source: '73 P.S. 2245(a)(10) (Act 73 of 2019): no telephone solicitation calls on a legal holiday; the list as dnc.com gives it.',
      uncertain: 'Juneteenth is not on the 2019 list; it is kept as the stricter reading. Election Day is taken every year.',
    },
  },
  {
    region: 'RI',
    name: 'Rhode Island',
    source: 'Telephone Sales Solicitation Act, R.I. Gen. Laws 5-61-3.6 and the hours of operation of 5-61-2.',
    checkedOn: today,
    confidence: 'high',
    textsCount: 'not stated',
    hours: callsAndTexts(
      [
        { days: monToFri, from: '09:00', to: '18:00' },
        { days: ['sat'], from: '10:00', to: '17:00' },
      ],
      'R.I. Gen. Laws 5-61-3.6: unsolicited telephonic sales calls to residential, mobile or paging numbers only during the hours of operation of 5-61-2: 9 a.m. to 6 p.m. weekdays, 10 a.m. to 5 p.m. Saturdays, never on Sundays.',
    ),
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: [
        "New Year's Day",
        'Martin Luther King Jr. Day',
        "Washington's Birthday",
        'Memorial Day',
        'Juneteenth',
        'Independence Day',
        'Victory Day',
        'Labor Day',
        'Columbus Day',
        'Veterans Day',
        'Thanksgiving Day',
        'Christmas Day',
      ],
      source: 'R.I. Gen. Laws 5-61-2: the hours of operation exclude state and federal holidays (R.I. Gen. Laws 25-1-1).',
    },
  },
  federalOnly('SC', 'South Carolina'),
  {
    region: 'SD',
    name: 'South Dakota',
    source: 'SDCL 37-30-28.',
    checkedOn: reviewed,
    confidence: 'high',
    textsCount: 'not stated',
    hours: callsAndTexts(
      [{ days: monToFri, from: '09:00', to: '21:00' }],
      'SDCL 37-30-28: no telephone solicitation with an automated telephone dialing system except weekdays between 9 a.m. and 9 p.m., state time.',
      'The rule is for automated dialing systems; calls here are dialled by the dialer and texts are sent automatically, so it is applied to both (the stricter reading). Live calls dialled by hand would follow the federal hours.',
    ),
  },
  federalOnly('TN', 'Tennessee'),
  {
    region: 'TX',
    name: 'Texas',
    source: 'Tex. Bus. & Com. Code 301.051, with texts taken in by SB 140 (effective 2025-09-01).',
    checkedOn: today,
    confidence: 'medium',
    textsCount: 'yes',
    hours: callsAndTexts(
      [
        { days: monToSat, from: '09:00', to: '21:00' },
        { days: ['sun'], from: '12:00', to: '21:00' },
      ],
      'Tex. Bus. & Com. Code 301.051: no telephone solicitation before 9 a.m. or after 9 p.m. Monday to Saturday, or before noon or after 9 p.m. on Sunday, at the called person’s location. SB 140 made text and image messages telephone solicitations.',
      'Read in law-firm summaries of SB 140 (Foster Garvey, Cloud Communications, Varnum) that agree, not in the statute. Some read the hours in Texas (Central) time; we use the contact’s own zone, which for El Paso is the later and so the stricter.',
    ),
  },
  {
    region: 'UT',
    name: 'Utah',
    source: 'Utah Code 13-25a-103(3).',
    checkedOn: reviewed,
    confidence: 'high',
    textsCount: 'not stated',
    hours: callsAndTexts(
      [{ days: monToSat, from: '08:00', to: '21:00' }],
      'Utah Code 13-25a-103(3): no unsolicited telephone call before 8 a.m. or after 9 p.m., or on a Sunday or legal holiday, without prior express consent.',
    ),
    namedHolidays: {
      channels: ['voice', 'sms'],
      names: [
        "New Year's Day",
        'Martin Luther King Jr. Day',
        'Washington and Lincoln Day',
        'Memorial Day',
        'Juneteenth',
        'Independence Day',
        'Pioneer Day',
        'Labor Day',
        'Columbus Day',
        'Veterans Day',
        'Thanksgiving Day',
        'Christmas Day',
      ],
      source: 'Utah Code 13-25a-103(3): none on a legal holiday (Utah Code 63G-1-301).',
    },
  },
  federalOnly('VT', 'Vermont'),
  federalOnly('VA', 'Virginia'),
  {
    region: 'WA',
    name: 'Washington',
    source: 'RCW 80.36.390(2) and RCW 19.158.040(2).',
    checkedOn: reviewed,
    confidence: 'high',
    textsCount: 'not stated',
    hours: callsAndTexts(
      eightToEight,
      'RCW 80.36.390(2) and 19.158.040(2): no telephone solicitation before 8 a.m. or after 8 p.m. at the called party’s location.',
    ),
  },
  federalOnly('WV', 'West Virginia'),
  federalOnly('WI', 'Wisconsin'),
  {
    region: 'WY',
    name: 'Wyoming',
    source: 'No statute found.',
    uncertain: 'One secondary source (a compliance tool’s description) gives 08:00-20:00; applied as the stricter reading until a statute is found.',
    checkedOn: reviewed,
    confidence: 'low',
    textsCount: 'not stated',
    hours: callsAndTexts(eightToEight, 'glama.ai call-desk tool description: calls 08:00-20:00.'),
  },
];

export const usStateOverrides: ReadonlyMap<string, RegionOverride> = new Map(usStates.map((o) => [o.region, o]));
