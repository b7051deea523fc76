// Whose rules a phone number follows. Canada and the United States share +1, so one list can hold both, and the law
// that binds a call is the called person's country's: the number's country picks the profile when there is one for it,
// else the journey's profile applies (a UK journey calling Ireland keeps the UK rules, the nearest we have).
import type { CountryCode } from 'libphonenumber-js';
import type { CallableCountry, ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import type { Channel } from './hours.ts';
import { profiles } from './profiles/index.ts';
import { phoneZones } from './timezones.ts';

/**
 * The profile of each country that has one, by libphonenumber's region code. The US territories on +1 have regions of
 * their own in the numbering plan, but the TCPA, the TSR and the Do Not Call Registry cover them.
 */
const profileByRegion: Readonly<Record<string, ComplianceProfileId>> = {
  US: 'US',
  PR: 'US',
  GU: 'US',
  VI: 'US',
  AS: 'US',
  MP: 'US',
  CA: 'CA',
  GB: 'UK',
  AU: 'AU',
  NZ: 'NZ',
};

/** The country a journey names for a region: a US territory counts as the US. */
const callableOfRegion: Readonly<Record<string, CallableCountry>> = {
  US: 'US',
  PR: 'US',
  GU: 'US',
  VI: 'US',
  AS: 'US',
  MP: 'US',
  CA: 'CA',
  GB: 'GB',
  AU: 'AU',
  NZ: 'NZ',
};

/**
 * The region (libphonenumber's, with its current metadata, so new overlays count) of a phone number, reading a
 * national form as the journey profile's country's; undefined when the number cannot be read.
 */
export function regionOfPhone(phone: string | null | undefined, journeyProfile: ComplianceProfileId): string | undefined {
  const raw = phone?.trim();
  if (!raw) return undefined;
  return phoneZones(raw, profiles[journeyProfile].country as CountryCode)?.country;
}

/**
 * The profile a contact is held to on a channel: for calls and texts, its number's country's profile when one exists;
 * otherwise (email, no number, a country without a profile) the journey's.
 */
export function profileForContact(phone: string | null | undefined, channel: Channel, journeyProfile: ComplianceProfileId): ComplianceProfileId {
  if (channel === 'email') return journeyProfile;
  const region = regionOfPhone(phone, journeyProfile);
  return (region && profileByRegion[region]) || journeyProfile;
}

/**
 * Why a journey limited to `countries` may not call or text this number, or undefined when it may (or the journey
 * names no countries, or the channel is email). A number whose country cannot be told is refused too.
 */
export function countryRefusal(
  phone: string | null | undefined,
  channel: Channel,
  journeyProfile: ComplianceProfileId,
  countries: readonly CallableCountry[] | undefined,
): { rule: string; reason: string } | undefined {
  if (!countries?.length || channel === 'email' || !phone?.trim()) return undefined;
  const region = regionOfPhone(phone, journeyProfile);
  const allowed = countries.join(', ');
  if (!region)
    return { rule: 'countries.unknown', reason: `The country of the number "${phone.trim()}" cannot be told, and this journey calls only ${allowed}.` };
  const country = callableOfRegion[region];
  if (country && countries.includes(country)) return undefined;
  return { rule: 'countries.not-allowed', reason: `The number is in ${region}; this journey calls only ${allowed}.` };
}

/** The profiles a journey's calls may be held to: the journey's own and those of the countries it may call. */
export function profilesOfCountries(journeyProfile: ComplianceProfileId, countries: readonly CallableCountry[] | undefined): ComplianceProfileId[] {
  const found = new Set<ComplianceProfileId>([journeyProfile]);
  for (const country of countries ?? []) found.add(profileByRegion[country] ?? journeyProfile);
  return [...found];
}
