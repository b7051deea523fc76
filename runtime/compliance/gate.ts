// The compliance gate's decision: may this contact be reached on this channel now, and if not, why and until when.
import { DateTime } from 'luxon';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { CallableCountry, ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { isValidTimezone } from '../../schemas/fields.ts';
import type { complianceChecks } from '../../schemas/nodes/compliance-gate.ts';
import { countryRefusal, profileForContact } from './country.ts';
import { holidaysOn, namedHolidaysOn } from './holidays.ts';
import { namedDaysOn } from './named-days.ts';
import { describeSchedule, type Channel, type Schedule } from './hours.ts';
import { profiles, regionOverride, type ComplianceProfile, type RegionOverride } from './profiles/index.ts';
import type { FrequencyCap } from './profiles/types.ts';
import { resolvePlace, type ResolvedPlace } from './timezones.ts';
import { nextOpen, closedReason, type AllowedTimes } from './window.ts';

export type ComplianceCheck = (typeof complianceChecks)[number];

export interface GateContact {
  phone: string | null;
  email: string | null;
  timezone: string | null;
  consent: Record<string, boolean | undefined>;
  /** State or region code (US state, UK nation, AU state, NZ region); decides state rules and holidays. */
  state?: string | null;
  postalCode?: string | null;
}

/** What the store knows about a number's past contacts, loaded per batch by the caller. */
export interface ContactHistory {
  /**
   * Times (ms) of calls or texts to `value` on the listed channels after `since` (not at it: an attempt exactly one
   * window ago has just fallen out, so a hold until then ends), oldest first, across journeys on the same timeline.
   */
  attemptsSince(value: string, channels: readonly Channel[], since: number): number[];
  /** The time of the last abandoned call to `value`, if any. */
  lastAbandonedAt(value: string): number | undefined;
}

/** The imported copies of national do-not-call registers. */
export interface RegistryView {
  /** When the copy of the profile's register in use was downloaded, or undefined when none was imported. */
  downloadedAt(profile: ComplianceProfileId): number | undefined;
  isListed(profile: ComplianceProfileId, value: string): boolean;
}

export interface GateRequest {
  channel: Channel;
  /**
   * The journey's (or the gate's) profile. A call or text to a number of a country that has a profile of its own is
   * held to that profile instead (a Canadian number in a US journey follows the CA rules); rule names say which.
   */
  profile: ComplianceProfileId;
  /** The countries the journey may call or text at all (`settings.countries`); a number of another is blocked. */
  countries?: readonly CallableCountry[];
  checks: readonly ComplianceCheck[];
  /** `refuse` is the check at the moment of sending: outside hours is a refusal whose reason names the closure alone. */
  outsideHours: 'defer' | 'block' | 'refuse';
  contact: GateContact;
  /** The journey's time zone, used when nothing about the contact tells where it is. */
  defaultTimezone: string;
  /** Milliseconds since the epoch, from the run's clock. */
  now: number;
  /** Whether `value` (an E.164 phone number, or a lower-cased email) is on a do-not-contact list for `channel`. */
  isDoNotContact: (channel: string, value: string) => boolean;
  /** Past contacts; without it the frequency and repeat-after-abandon rules cannot be checked and are skipped. */
  history?: ContactHistory;
  /** National registers; without it the register is not checked (a caller that has no store, such as a preview). */
  registry?: RegistryView;
  /** A dialer that holds an agent for this call (preview, progressive) may call again after an abandoned call. */
  agentGuaranteed?: boolean;
}

export type GateDecision = (
  | { allowed: true }
  | { allowed: false; action: 'defer'; until: number; reason: string; rule: string }
  | { allowed: false; action: 'block'; reason: string; rule: string }
) & {
  /** The zone the decision was taken in (the first of `timezones`). */
  timezone: string;
  /** Every zone the contact may be in; it is allowed only when allowed in all. */
  timezones: string[];
};

/** One rule that stops the contact now: `block` for good at this gate, `defer` until a moment. */
export interface Finding {
  rule: string;
  action: 'block' | 'defer';
  reason: string;
  /** For a deferral: the earliest moment this rule alone would allow. */
  until?: number;
}

export interface ComplianceEvaluation {
  allowed: boolean;
  /** Every rule that stops the contact now, blocking ones first. */
  findings: Finding[];
  /** The next moment every rule allows, when the contact is held rather than blocked. */
  nextAllowedAt?: number;
  place: ResolvedPlace;
}

// Lets a number written nationally ("07700 900123") match the E.164 form that do-not-contact lists hold.
const phoneCountry: Record<ComplianceProfileId, CountryCode> = { US: 'US', UK: 'GB', AU: 'AU', NZ: 'NZ', CA: 'CA' };

const channelWords: Record<Channel, { noun: string; address: string; hours: string }> = {
  voice: { noun: 'calls', address: 'phone number', hours: 'calling hours' },
  sms: { noun: 'texts', address: 'phone number', hours: 'texting hours' },
  email: { noun: 'emails', address: 'email address', hours: 'email hours' },
};

const hourMs = 60 * 60 * 1000;

/** Every rule of the number's profile (and of the contact's state or province) applied to the request, with all that fail. */
export function evaluateCompliance(request: GateRequest): ComplianceEvaluation {
  const { channel, checks, contact } = request;
  const profile = profiles[profileForContact(contact.phone, channel, request.profile)];
  const words = channelWords[channel];
  const journeyZone = isValidTimezone(request.defaultTimezone) ? request.defaultTimezone : '';
  const place = resolvePlace(contact, profile.country, journeyZone);
  const override = profile.country === 'US' || profile.country === 'CA' ? regionOverride(profile.id, place.region) : undefined;
  const findings: Finding[] = [];
  const block = (rule: string, reason: string) => findings.push({ rule, action: 'block', reason });

  // Before any country's rule: a journey that may not call this country at all has nothing else to ask.
  const outside = countryRefusal(contact.phone, channel, request.profile, request.countries);
  if (outside) block(outside.rule, outside.reason);
  const values = addressesToCheck(request);
  const consented = contact.consent[channel] === true;

  if (checks.includes('dnc')) {
    if (values.length === 0) {
      block(
        `${profile.id}.dnc.missing-${channel === 'email' ? 'email' : 'phone'}`,
        `The contact has no ${words.address}, so it cannot be checked against the do-not-contact list.`,
      );
    } else if (values.some((value) => request.isDoNotContact(channel, value))) {
      block(`${profile.id}.dnc.internal`, `The contact’s ${words.address} is on the do-not-contact list for ${words.noun}.`);
    }
  }

  if (checks.includes('consent') && profile.consent.channels.includes(channel) && !consented) {
    block(
      `${profile.id}.consent.${channel}`,
      contact.consent[channel] === false
        ? `The contact has declined ${words.noun}; ${profile.id} rules need consent before sending ${words.noun}.`
        : `The contact has no recorded consent for ${words.noun}; ${profile.id} rules need consent before sending ${words.noun}.`,
    );
  }

  // The register comes after consent: for a contact without consent, the missing consent is the reason to fix.
  if (checks.includes('dnc')) {
    const register = profile.registry;
    if (request.registry && register.channels.includes(channel) && !(register.consentExempts && consented) && values.length > 0) {
      const downloadedAt = request.registry.downloadedAt(profile.id);
      const ageDays = downloadedAt === undefined ? undefined : Math.floor((request.now - downloadedAt) / (24 * hourMs));
      if (downloadedAt === undefined) {
        block(
          `${profile.id}.dnc.registry-missing`,
          `No copy of the ${register.name} has been imported, so ${words.noun} to contacts without consent cannot be screened. Import the register with its download date.`,
        );
      } else if (ageDays! > register.maxAgeDays) {
        block(
          `${profile.id}.dnc.registry-stale`,
          `The ${register.name} copy was downloaded ${ageDays} days ago (${new Date(downloadedAt).toISOString().slice(0, 10)}); ${profile.id} rules allow at most ${register.maxAgeDays} days. Import a fresh copy.`,
        );
      } else if (values.some((value) => request.registry!.isListed(profile.id, value))) {
        block(`${profile.id}.dnc.registry`, `The contact’s number is on the ${register.name} and there is no recorded consent for ${words.noun}.`);
      }
    }
  }

  const times = allowedTimes(profile, override, channel, place, checks);
  const timezones = place.zones;
  if (times && timezones.every((z) => !z)) {
    block(
      `${profile.id}.hours.timezone`,
      `The contact’s time zone cannot be told from its details and the journey’s time zone "${request.defaultTimezone}" is not a known time zone.`,
    );
  }

  const deferrals: Finding[] = [];
  if (checks.includes('frequency') && request.history && values[0] && channel !== 'email') {
    for (const cap of frequencyCaps(profile, override, channel)) {
      const since = request.now - cap.windowHours * hourMs;
      const attempts = request.history.attemptsSince(values[0], cap.counts, since);
      if (attempts.length >= cap.max) {
        // Held until enough of the counted attempts fall out of the window.
        const until = attempts[attempts.length - cap.max]! + cap.windowHours * hourMs;
        const counted = cap.counts.map((c) => channelWords[c].noun).join(' and ');
        deferrals.push({
          rule: capRule(profile, override, cap),
          action: 'defer',
          until,
          reason: `The number had ${attempts.length} ${counted} in the last ${cap.windowHours} hours; at most ${cap.max} are allowed.`,
        });
      }
    }
  }
  if (
    channel === 'voice' &&
    profile.redial.afterAbandonedHours !== null &&
    request.history &&
    values[0] &&
    !(profile.redial.unlessAgentGuaranteed && request.agentGuaranteed)
  ) {
    const abandonedAt = request.history.lastAbandonedAt(values[0]);
    const until = abandonedAt === undefined ? undefined : abandonedAt + profile.redial.afterAbandonedHours * hourMs;
    if (until !== undefined && until > request.now) {
      deferrals.push({
        rule: `${profile.id}.redial.abandoned`,
        action: 'defer',
        until,
        reason: `A call to this number was abandoned at ${new Date(abandonedAt!).toISOString()}; no new call within ${profile.redial.afterAbandonedHours} hours unless an agent is guaranteed.`,
      });
    }
  }

  let nextAllowedAt: number | undefined;
  if (times && timezones.every(Boolean)) {
    const closed = closedNow(times, request.now);
    const earliest = Math.max(request.now, ...deferrals.map((d) => d.until!));
    const opens = nextOpen(times, earliest);
    if (opens === undefined) {
      block(
        `${profile.id}.hours.no-overlap`,
        `The contact may be in ${timezones.join(', ')}, and their allowed hours never overlap. Give the contact a time zone or a state.`,
      );
    } else {
      nextAllowedAt = opens;
      if (closed) {
        const where = timezones.length === 1 ? timezones[0]! : `all of ${timezones.join(', ')}`;
        const rule = closed.holiday ? holidayRule(profile, override, closed.holiday) : hoursRule(profile, override, channel);
        const what = closed.holiday
          ? `${closed.holiday} in ${closed.zone}`
          : `Outside ${words.hours} (${times.schedules.map(describeSchedule).join('; ')}) in ${where}`;
        if (request.outsideHours === 'block') block(rule, `${what}; this gate sends such contacts out as blocked.`);
        else if (request.outsideHours === 'refuse') block(rule, `${what}.`);
        else deferrals.push({ rule, action: 'defer', until: opens, reason: `${what}; held until ${describeLocal(opens, timezones[0]!, request.now)} local.` });
      }
    }
  } else if (deferrals.length) {
    nextAllowedAt = Math.max(...deferrals.map((d) => d.until!));
  }

  const all = [...findings, ...deferrals];
  const blocked = findings.length > 0;
  return { allowed: all.length === 0, findings: all, ...(!blocked && nextAllowedAt !== undefined && all.length > 0 && { nextAllowedAt }), place };
}

/** The gate's one decision: the first blocking rule, else a hold until every rule allows, else allowed. */
export function checkGate(request: GateRequest): GateDecision {
  const evaluation = evaluateCompliance(request);
  const timezones = evaluation.place.zones.filter(Boolean);
  const zone = { timezone: timezones[0] ?? request.defaultTimezone, timezones };
  const first = evaluation.findings[0];
  if (!first) return { allowed: true, ...zone };
  if (first.action === 'block') return { allowed: false, action: 'block', rule: first.rule, reason: first.reason, ...zone };
  // A hold always ends after now: a hold until now would have the step check the contact again at once, forever.
  const until = Math.max(evaluation.nextAllowedAt ?? first.until!, request.now + 1);
  // The rule named is the one that holds the contact longest: the one a manager would have to change.
  const longest = evaluation.findings.reduce((a, b) => ((b.until ?? 0) > (a.until ?? 0) ? b : a));
  return { allowed: false, action: 'defer', until, rule: longest.rule, reason: longest.reason, ...zone };
}

function allowedTimes(
  profile: ComplianceProfile,
  override: RegionOverride | undefined,
  channel: Channel,
  place: ResolvedPlace,
  checks: readonly ComplianceCheck[],
): AllowedTimes | undefined {
  const schedules: Schedule[] = [];
  if (checks.includes('hours')) {
    const base = profile.hours.channels[channel];
    if (base) schedules.push(base);
    const state = override?.hours?.channels[channel];
    if (state) schedules.push(state);
  }
  const holidays = checks.includes('holidays');
  const national = holidays && profile.holidays.channels.includes(channel);
  const named = holidays && override?.namedHolidays?.channels.includes(channel) ? override.namedHolidays : undefined;
  if (!schedules.length && !national && !named) return undefined;
  const closedDay =
    national || named
      ? (_zone: string, date: string) => {
          const names = [
            ...(national
              ? holidaysOn(profile.country, date, {
                  national: profile.holidays.national,
                  regional: profile.holidays.regional,
                  ...(place.region && { region: place.region }),
                })
              : []),
            ...(named ? (named.includeObservances ? namedDaysOn : namedHolidaysOn)(profile.country, override!.region, date, named.names) : []),
          ];
          return names.length ? names.join(', ') : undefined;
        }
      : undefined;
  return { schedules, zones: place.zones, ...(closedDay && { closedDay }) };
}

function closedNow(times: AllowedTimes, now: number): { zone: string; holiday?: string } | undefined {
  for (const zone of times.zones) {
    const reason = closedReason(times, zone, now);
    if (reason) return reason === 'hours' ? { zone } : { zone, holiday: reason };
  }
  return undefined;
}

function frequencyCaps(profile: ComplianceProfile, override: RegionOverride | undefined, channel: Channel): FrequencyCap[] {
  return [...profile.frequency, ...(override?.frequency ?? [])].filter((cap) => cap.channel === channel);
}

function capRule(profile: ComplianceProfile, override: RegionOverride | undefined, cap: FrequencyCap): string {
  return override?.frequency?.includes(cap) ? `${profile.id}-${override.region}.frequency` : `${profile.id}.frequency`;
}

function hoursRule(profile: ComplianceProfile, override: RegionOverride | undefined, channel: Channel): string {
  return override?.hours?.channels[channel] ? `${profile.id}-${override.region}.hours` : `${profile.id}.hours`;
}

function holidayRule(profile: ComplianceProfile, override: RegionOverride | undefined, holiday: string): string {
  return override?.namedHolidays?.names.some((n) => holiday.includes(n)) ? `${profile.id}-${override.region}.holidays` : `${profile.id}.holidays`;
}

// Lists hold normalised values; the raw phone is checked too, so an entry stored as imported still matches.
function addressesToCheck({ channel, profile, contact }: GateRequest): string[] {
  if (channel === 'email') {
    const email = contact.email?.trim().toLowerCase();
    return email ? [email] : [];
  }
  const raw = contact.phone?.trim();
  if (!raw) return [];
  const e164 = /^\+\d{8,15}$/.test(raw) ? raw : parsePhoneNumberFromString(raw, phoneCountry[profile])?.number;
  return e164 && e164 !== raw ? [e164, raw] : [raw];
}

/** "08:00" within a day, "Mon 09:00" further out, so a manager can tell tonight from next week. */
function describeLocal(moment: number, zone: string, now: number): string {
  const local = DateTime.fromMillis(moment, { zone });
  return local.toFormat(moment - now < 24 * 60 * 60 * 1000 ? 'HH:mm' : 'ccc HH:mm', { locale: 'en-GB' });
}
