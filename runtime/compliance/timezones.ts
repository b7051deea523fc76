// Where a contact is: its time zones and region, from an explicit zone, else its postal code or state, else its number.
import { createRequire } from 'node:module';
import Holidays from 'date-holidays';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { isValidTimezone } from '../../schemas/fields.ts';
import { longestPrefix, placePrefixes, zonePrefixes } from './phone-data.ts';
import { provinceNames } from './profiles/ca.ts';

export type HolidayCountry = 'US' | 'GB' | 'AU' | 'NZ' | 'CA';

export interface ContactPlace {
  phone: string | null;
  timezone: string | null;
  state?: string | null;
  postalCode?: string | null;
}

export type ZoneSource = 'timezone' | 'postal-code' | 'state' | 'phone' | 'journey';

export interface ResolvedPlace {
  /** Every zone the contact may be in; contact is allowed only when it is allowed in all of them. */
  zones: string[];
  zoneSource: ZoneSource;
  /** The contact's state or region (US state code, AU state, UK nation, NZ region), when known or presumed. */
  region?: string;
  regionSource?: 'state' | 'area-code';
}

const zipLookup = (createRequire(import.meta.url)('zipcode-to-timezone') as { lookup(zip: string): string | null }).lookup;

// Mobile and other non-geographic numbers can be anywhere in their country, whatever Google's table says of their
// prefix (it files every Australian mobile under Sydney): the whole country's zones apply.
const nonGeographic = new Set(['MOBILE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL']);

const countryZoneCache = new Map<string, string[]>();

/** The zones of a country or one of its regions, from date-holidays' data. */
export function regionZones(country: string, region?: string): string[] {
  const key = `${country}:${region ?? ''}`;
  let zones = countryZoneCache.get(key);
  if (!zones) {
    const holidays = region ? new Holidays(country, region) : new Holidays(country);
    zones = (holidays.getTimezones() ?? []).filter(isValidTimezone);
    countryZoneCache.set(key, zones);
  }
  return zones;
}

const prefixUnionCache = new Map<string, string[]>();
let splitPrefixes: Set<string> | undefined;

/** Every proper prefix of a key of the zone table: the prefixes that the table splits further. */
function isSplit(prefix: string): boolean {
  if (!splitPrefixes) {
    splitPrefixes = new Set();
    for (const key of Object.keys(zonePrefixes())) for (let n = 1; n < key.length; n++) splitPrefixes.add(key.slice(0, n));
  }
  return splitPrefixes.has(prefix);
}

/**
 * The zones of every entry under a prefix: for a US area code that Google's table splits by exchange (208 is partly
 * Mountain, partly Pacific), all of them.
 */
function zonesUnder(prefix: string): string[] {
  let zones = prefixUnionCache.get(prefix);
  if (!zones) {
    const found = new Set<string>();
    for (const [key, value] of Object.entries(zonePrefixes())) if (key.startsWith(prefix)) for (const z of value.split('&')) found.add(z);
    zones = [...found].filter(isValidTimezone).sort();
    prefixUnionCache.set(prefix, zones);
  }
  return zones;
}

export interface PhonePlace {
  zones: string[];
  country?: string;
  countryCode: string;
  nationalNumber: string;
}

const phoneCache = new Map<string, Omit<PhonePlace, 'nationalNumber'> | undefined>();

/**
 * The time zones a phone number may ring in, or undefined when the number cannot be read. Parsing costs tens of
 * microseconds, too much for a million contacts; numbers in E.164 form that share all but their last four digits
 * share a numbering range, hence type and zones, so the answer is remembered per range.
 */
export function phoneZones(phone: string, defaultCountry?: CountryCode): PhonePlace | undefined {
  if (!/^\+\d{8,15}$/.test(phone)) return parsePhoneZones(phone, defaultCountry);
  const range = `${phone.slice(0, -4)}:${phone.length}`;
  let known = phoneCache.get(range);
  if (!phoneCache.has(range)) {
    const place = parsePhoneZones(phone, defaultCountry);
    known = place && { zones: place.zones, countryCode: place.countryCode, ...(place.country && { country: place.country }) };
    if (phoneCache.size > 100_000) phoneCache.clear();
    phoneCache.set(range, known);
  }
  return known && { ...known, nationalNumber: phone.slice(1 + known.countryCode.length) };
}

function parsePhoneZones(phone: string, defaultCountry?: CountryCode): PhonePlace | undefined {
  const parsed = parsePhoneNumberFromString(phone, defaultCountry);
  if (!parsed) return undefined;
  const countryCode = parsed.countryCallingCode;
  const nationalNumber = parsed.nationalNumber;
  const country = parsed.country;
  const type = parsed.isValid() ? parsed.getType() : undefined;
  if (type && nonGeographic.has(type) && country) {
    const zones = regionZones(country);
    if (zones.length) return { zones, country, countryCode, nationalNumber };
  }
  const digits = `${countryCode}${nationalNumber}`;
  const table = zonePrefixes();
  const match = longestPrefix(table, digits);
  if (match && match.key.length > countryCode.length) {
    return { zones: match.value.split('&').filter(isValidTimezone).sort(), ...(country && { country }), countryCode, nationalNumber };
  }
  // Only the country code matched: the longest prefix that the table splits further decides (a split area code).
  for (let length = digits.length; length > countryCode.length; length--) {
    const prefix = digits.slice(0, length);
    if (!isSplit(prefix)) continue;
    const zones = zonesUnder(prefix);
    if (zones.length) return { zones, ...(country && { country }), countryCode, nationalNumber };
  }
  const zones = country ? regionZones(country) : (match?.value.split('&').filter(isValidTimezone) ?? []);
  return { zones, ...(country && { country }), countryCode, nationalNumber };
}

let usStates: { byAreaCode: Map<string, Set<string>>; zonesByState: Map<string, Set<string>> } | undefined;

// Google's place table names a US exchange "Boise, ID" and an area code "Idaho"; the exchanges give the state code.
// Canadian exchanges are written the same way ("Toronto, ON"), so the tables hold provinces too.
function usStateData() {
  if (usStates) return usStates;
  const byAreaCode = new Map<string, Set<string>>();
  const zonesByState = new Map<string, Set<string>>();
  const zones = zonePrefixes();
  for (const [key, place] of Object.entries(placePrefixes('1'))) {
    const state = /, ([A-Z]{2})$/.exec(place)?.[1];
    if (!state || key.length < 6) continue;
    const areaCode = key.slice(0, 3);
    if (!byAreaCode.has(areaCode)) byAreaCode.set(areaCode, new Set());
    byAreaCode.get(areaCode)!.add(state);
    const zone = longestPrefix(zones, `1${key}`);
    if (!zone || zone.key.length <= 1) continue;
    if (!zonesByState.has(state)) zonesByState.set(state, new Set());
    for (const z of zone.value.split('&')) zonesByState.get(state)!.add(z);
  }
  usStates = { byAreaCode, zonesByState };
  return usStates;
}

/** The US state an area code belongs to, when it belongs to exactly one (Google's place data). */
export function stateOfAreaCode(areaCode: string): string | undefined {
  const states = usStateData().byAreaCode.get(areaCode);
  return states && states.size === 1 ? [...states][0] : undefined;
}

const provinceByName = new Map(Object.entries(provinceNames).map(([code, name]) => [name, code]));

/**
 * The Canadian province an area code belongs to: from its exchanges, else from the area code's own entry ("Ontario",
 * "Toronto, ON"), which is all Google's data has for a new overlay such as 647 or 942. Undefined for an area code
 * that spans provinces (902: Nova Scotia and Prince Edward Island; 867: the three territories).
 */
export function provinceOfAreaCode(areaCode: string): string | undefined {
  const fromExchanges = stateOfAreaCode(areaCode);
  if (fromExchanges && fromExchanges in provinceNames) return fromExchanges;
  const place = placePrefixes('1')[areaCode];
  if (!place) return undefined;
  const code = /, ([A-Z]{2})$/.exec(place)?.[1] ?? provinceByName.get(place);
  return code && code in provinceNames ? code : undefined;
}

/**
 * The zones of a state or region: US states and Canadian provinces from the exchanges of Google's data (date-holidays
 * gives Prince Edward Island every zone of Canada), others from date-holidays.
 */
export function stateZones(country: HolidayCountry, state: string): string[] {
  if (country === 'US' || country === 'CA') {
    const zones = usStateData().zonesByState.get(state);
    return zones ? [...zones].filter(isValidTimezone).sort() : [];
  }
  const known = new Holidays().getStates(country) as Record<string, string> | undefined;
  return known && state in known ? regionZones(country, state) : [];
}

function postalZones(country: HolidayCountry, postalCode: string): string[] {
  if (country !== 'US') return [];
  const zip = /^(\d{5})(?:-?\d{4})?$/.exec(postalCode.trim())?.[1];
  const zone = zip ? zipLookup(zip) : null;
  return zone && isValidTimezone(zone) ? [zone] : [];
}

const libphonenumberCountry: Record<HolidayCountry, CountryCode> = { US: 'US', GB: 'GB', AU: 'AU', NZ: 'NZ', CA: 'CA' };

/**
 * The contact's zones, in the order the issue sets: an explicit valid zone, else its postal code or state, else its
 * phone number's prefix, else the journey's zone. The region is the contact's state, else the one its US area code
 * belongs to.
 */
export function resolvePlace(contact: ContactPlace, country: HolidayCountry, journeyZone: string): ResolvedPlace {
  const state = contact.state?.trim().toUpperCase() || undefined;
  let region: Pick<ResolvedPlace, 'region' | 'regionSource'> = state ? { region: state, regionSource: 'state' } : {};
  const phone = contact.phone?.trim() ? phoneZones(contact.phone.trim(), libphonenumberCountry[country]) : undefined;
  if (!state && country === 'US' && phone?.countryCode === '1' && phone.country === 'US') {
    const presumed = stateOfAreaCode(phone.nationalNumber.slice(0, 3));
    if (presumed) region = { region: presumed, regionSource: 'area-code' };
  }
  if (!state && country === 'CA' && phone?.countryCode === '1' && phone.country === 'CA') {
    const presumed = provinceOfAreaCode(phone.nationalNumber.slice(0, 3));
    if (presumed) region = { region: presumed, regionSource: 'area-code' };
  }
  const explicit = contact.timezone?.trim();
  if (explicit && isValidTimezone(explicit)) return { zones: [explicit], zoneSource: 'timezone', ...region };
  const byPostal = contact.postalCode ? postalZones(country, contact.postalCode) : [];
  if (byPostal.length) return { zones: byPostal, zoneSource: 'postal-code', ...region };
  const byState = state ? stateZones(country, state) : [];
  if (byState.length) return { zones: byState, zoneSource: 'state', ...region };
  if (phone?.zones.length) return { zones: phone.zones, zoneSource: 'phone', ...region };
  return { zones: [journeyZone], zoneSource: 'journey', ...region };
}
