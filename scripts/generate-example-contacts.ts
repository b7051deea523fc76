// Writes the sample contact lists beside the example journeys (examples/<name>.contacts.csv), the same bytes on every run.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';

/** The columns every sample list starts with; each example adds its own attribute columns after them. */
export const contactColumns = [
  'external_id',
  'first_name',
  'last_name',
  'phone',
  'email',
  'timezone',
  'state',
  'postal_code',
  'consent_sms',
  'consent_voice',
  'consent_email',
] as const;

export const contactsPerList = 250;

/** Where a list for the example journey `examples/<name>.journey.json` is written. */
export const contactsFileName = (name: string) => `${name}.contacts.csv`;

type Rng = () => number;

/** mulberry32: a small seeded generator, so that the lists never depend on Math.random. */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to seed each list from its name: adding an example never changes the others. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h;
}

const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;
const yesNo = (rng: Rng, p: number) => (chance(rng, p) ? 'yes' : 'no');

interface Area {
  code: string;
  state: string;
  zone: string;
  /** First three digits of ZIP codes around that area code. */
  zip3: string;
}

// Real area codes in every US time zone, Hawaii and Alaska included; numbers use the fictional 555-01xx block.
const areas: readonly Area[] = [
  { code: '201', state: 'NJ', zone: 'America/New_York', zip3: '070' },
  { code: '202', state: 'DC', zone: 'America/New_York', zip3: '200' },
  { code: '212', state: 'NY', zone: 'America/New_York', zip3: '100' },
  { code: '215', state: 'PA', zone: 'America/New_York', zip3: '191' },
  { code: '216', state: 'OH', zone: 'America/New_York', zip3: '441' },
  { code: '305', state: 'FL', zone: 'America/New_York', zip3: '331' },
  { code: '313', state: 'MI', zone: 'America/Detroit', zip3: '482' },
  { code: '317', state: 'IN', zone: 'America/Indiana/Indianapolis', zip3: '462' },
  { code: '404', state: 'GA', zone: 'America/New_York', zip3: '303' },
  { code: '410', state: 'MD', zone: 'America/New_York', zip3: '212' },
  { code: '502', state: 'KY', zone: 'America/Kentucky/Louisville', zip3: '402' },
  { code: '617', state: 'MA', zone: 'America/New_York', zip3: '021' },
  { code: '704', state: 'NC', zone: 'America/New_York', zip3: '282' },
  { code: '804', state: 'VA', zone: 'America/New_York', zip3: '232' },
  { code: '843', state: 'SC', zone: 'America/New_York', zip3: '294' },
  { code: '860', state: 'CT', zone: 'America/New_York', zip3: '061' },
  { code: '205', state: 'AL', zone: 'America/Chicago', zip3: '352' },
  { code: '214', state: 'TX', zone: 'America/Chicago', zip3: '752' },
  { code: '312', state: 'IL', zone: 'America/Chicago', zip3: '606' },
  { code: '314', state: 'MO', zone: 'America/Chicago', zip3: '631' },
  { code: '316', state: 'KS', zone: 'America/Chicago', zip3: '672' },
  { code: '402', state: 'NE', zone: 'America/Chicago', zip3: '681' },
  { code: '414', state: 'WI', zone: 'America/Chicago', zip3: '532' },
  { code: '501', state: 'AR', zone: 'America/Chicago', zip3: '722' },
  { code: '504', state: 'LA', zone: 'America/Chicago', zip3: '701' },
  { code: '512', state: 'TX', zone: 'America/Chicago', zip3: '787' },
  { code: '515', state: 'IA', zone: 'America/Chicago', zip3: '503' },
  { code: '601', state: 'MS', zone: 'America/Chicago', zip3: '392' },
  { code: '612', state: 'MN', zone: 'America/Chicago', zip3: '554' },
  { code: '615', state: 'TN', zone: 'America/Chicago', zip3: '372' },
  { code: '713', state: 'TX', zone: 'America/Chicago', zip3: '770' },
  { code: '918', state: 'OK', zone: 'America/Chicago', zip3: '741' },
  { code: '208', state: 'ID', zone: 'America/Boise', zip3: '837' },
  { code: '303', state: 'CO', zone: 'America/Denver', zip3: '802' },
  { code: '307', state: 'WY', zone: 'America/Denver', zip3: '820' },
  { code: '406', state: 'MT', zone: 'America/Denver', zip3: '596' },
  { code: '505', state: 'NM', zone: 'America/Denver', zip3: '871' },
  { code: '801', state: 'UT', zone: 'America/Denver', zip3: '841' },
  { code: '520', state: 'AZ', zone: 'America/Phoenix', zip3: '857' },
  { code: '602', state: 'AZ', zone: 'America/Phoenix', zip3: '850' },
  { code: '206', state: 'WA', zone: 'America/Los_Angeles', zip3: '981' },
  { code: '213', state: 'CA', zone: 'America/Los_Angeles', zip3: '900' },
  { code: '415', state: 'CA', zone: 'America/Los_Angeles', zip3: '941' },
  { code: '503', state: 'OR', zone: 'America/Los_Angeles', zip3: '972' },
  { code: '619', state: 'CA', zone: 'America/Los_Angeles', zip3: '921' },
  { code: '702', state: 'NV', zone: 'America/Los_Angeles', zip3: '891' },
  { code: '907', state: 'AK', zone: 'America/Anchorage', zip3: '995' },
  { code: '808', state: 'HI', zone: 'Pacific/Honolulu', zip3: '968' },
];

const firstNames = [
  'James',
  'Maria',
  'Robert',
  'Aisha',
  'Michael',
  'Linda',
  'David',
  'Mei',
  'Carlos',
  'Jennifer',
  'Daniel',
  'Priya',
  'Joseph',
  'Fatima',
  'Thomas',
  'Emily',
  'Kwame',
  'Sarah',
  'Luis',
  'Hannah',
  'Andre',
  'Olivia',
  'Hiroshi',
  'Grace',
  'Mateo',
  'Chloe',
  'Jamal',
  'Sofia',
  'Ethan',
  'Leilani',
  'Noah',
  'Ana',
  'Tyler',
  'Yuki',
  'Marcus',
  'Zoe',
  'José',
  'Mary-Kate',
  'Renée',
  'Nikolai',
];

const lastNames = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'García',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Nguyen',
  'Kim',
  'Patel',
  'Okafor',
  'Chen',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  "O'Brien",
  'Lee',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'Allen',
  'Kahananui',
  'Begay',
  'Novak',
  'Smith-Jones',
  'Van der Berg',
  'Lindqvist',
  'Romero',
  'Washington',
  'Yamamoto',
  'Fitzgerald',
  'Haddad',
  'Kowalski',
];

/** One example's extra columns and how to fill them for a contact. */
interface ListSpec {
  idPrefix: string;
  columns: readonly string[];
  /** `home` is where the contact lives, which is usually but not always where their phone number is from. */
  attributes: (rng: Rng, home: Area) => Record<string, string>;
}

const clinics = ['Riverside Family Clinic', 'Northgate Dental', 'Lakeview Physical Therapy', 'Main Street Eye Care'];
const providers = ['Dr. Patel', 'Dr. Okafor', 'Dr. Lindqvist', 'Dr. Romero', 'Dr. Chen', 'Dr. Haddad'];
const plans = [
  { name: 'Basic monthly', price: '9.99' },
  { name: 'Plus monthly', price: '14.99' },
  { name: 'Premium, annual', price: '179.00' },
  { name: 'Family, annual', price: '239.00' },
];
const leadSources = ['Website form', 'Referral', 'Radio ad "Switch & Save"', 'Trade show, Austin TX', 'Partner list', 'Returning customer'];
const providersNow = ['Contoso Cable', 'Fabrikam DSL', 'Litware Wireless', 'Tailspin Satellite', 'None'];

const money = (rng: Rng, min: number, max: number) => (int(rng, min * 100, max * 100) / 100).toFixed(2);

/** A day `offset` weekdays after `start` (a Monday), as a calendar date. */
function weekdayAfter(start: { year: number; month: number; day: number }, offset: number) {
  const d = DateTime.fromObject(start, { zone: 'UTC' }).plus({ days: Math.floor(offset / 5) * 7 + (offset % 5) });
  return { year: d.year, month: d.month, day: d.day };
}

export const exampleLists: Record<string, ListSpec> = {
  'appointment-reminder': {
    idPrefix: 'APT',
    columns: ['appointment_at', 'appointment_date', 'appointment_time', 'clinic', 'provider'],
    attributes: (rng, home) => {
      const day = weekdayAfter({ year: 2026, month: 3, day: 16 }, int(rng, 0, 9));
      const minutes = 8 * 60 + 30 * int(rng, 0, 17);
      const at = DateTime.fromObject({ ...day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: home.zone }).setLocale('en-US');
      return {
        appointment_at: at.toISO({ suppressMilliseconds: true })!,
        appointment_date: at.toFormat('cccc, LLLL d'),
        appointment_time: at.toFormat('h:mm a'),
        clinic: pick(rng, clinics),
        provider: pick(rng, providers),
      };
    },
  },
  'missed-payment': {
    idPrefix: 'ACC',
    columns: ['balance', 'due_date', 'days_overdue'],
    attributes: (rng) => {
      const overdue = int(rng, 3, 45);
      const due = DateTime.fromObject({ year: 2026, month: 3, day: 9 }, { zone: 'UTC' }).minus({ days: overdue });
      return { balance: money(rng, 25, 1800), due_date: due.toISODate()!, days_overdue: String(overdue) };
    },
  },
  'subscription-renewal': {
    idPrefix: 'SUB',
    columns: ['plan', 'price', 'renewal_date', 'auto_renew'],
    attributes: (rng) => {
      const plan = pick(rng, plans);
      const renewal = DateTime.fromObject({ year: 2026, month: 3, day: 20 }, { zone: 'UTC' }).plus({ days: int(rng, 0, 21) });
      return { plan: plan.name, price: plan.price, renewal_date: renewal.toISODate()!, auto_renew: yesNo(rng, 0.4) };
    },
  },
  'us-telemarketing': {
    idPrefix: 'LEAD',
    columns: ['lead_source', 'current_provider', 'monthly_bill'],
    attributes: (rng) => ({
      lead_source: pick(rng, leadSources),
      current_provider: pick(rng, providersNow),
      monthly_bill: money(rng, 35, 160),
    }),
  },
};

/** RFC 4180: quote a field that holds a comma, a double quote or a line break, doubling the quotes inside. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const emailPart = (name: string) =>
  name
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

function contactList(name: string, spec: ListSpec): string {
  const rng = mulberry32(seedOf(name));
  // Every area code gets its share of contacts, then the order is shuffled.
  const order = Array.from({ length: contactsPerList }, (_, i) => areas[i % areas.length]!);
  for (let i = order.length - 1; i > 0; i--) {
    const j = int(rng, 0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const usedPhones = new Set<string>();
  const usedEmails = new Set<string>();
  const lines = [[...contactColumns, ...spec.columns].join(',')];
  order.forEach((area, i) => {
    let phone: string;
    do phone = `+1${area.code}5550${int(rng, 100, 199)}`;
    while (usedPhones.has(phone));
    usedPhones.add(phone);
    // A few contacts have moved: their address is in another time zone than their phone number says.
    const home = chance(rng, 0.06) ? pick(rng, areas) : area;
    const first = pick(rng, firstNames);
    const last = pick(rng, lastNames);
    let email = '';
    if (!chance(rng, 0.04)) {
      const local = `${emailPart(first)}.${emailPart(last)}`;
      email = `${local}@example.com`;
      for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@example.com`;
      usedEmails.add(email);
    }
    // Some contacts give a time zone, some a state, some both, some neither (then the phone number decides).
    const known = rng();
    const withZone = known < 0.5;
    const withState = known < 0.3 || (known >= 0.5 && known < 0.75);
    const row: Record<string, string> = {
      external_id: `${spec.idPrefix}-${String(100001 + i)}`,
      first_name: first,
      last_name: last,
      phone,
      email,
      timezone: withZone ? home.zone : '',
      state: withState ? home.state : '',
      postal_code: withState && chance(rng, 0.7) ? `${home.zip3}${String(int(rng, 1, 99)).padStart(2, '0')}` : '',
      consent_sms: yesNo(rng, 0.92),
      consent_voice: yesNo(rng, 0.92),
      consent_email: yesNo(rng, 0.92),
    };
    Object.assign(row, spec.attributes(rng, home));
    lines.push([...contactColumns, ...spec.columns].map((c) => csvField(row[c] ?? '')).join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** The CSV text of every sample list, by example name (`missed-payment` for `examples/missed-payment.journey.json`). */
export function exampleContactLists(): Record<string, string> {
  return Object.fromEntries(Object.entries(exampleLists).map(([name, spec]) => [name, contactList(name, spec)]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const examplesDir = fileURLToPath(new URL('../examples/', import.meta.url));
  for (const [name, text] of Object.entries(exampleContactLists())) {
    const file = resolve(examplesDir, contactsFileName(name));
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}
