// The compliance gate's decision: may this contact be reached on this channel now, and if not, why and until when.
import { DateTime } from 'luxon';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { isValidTimezone } from '../../schemas/fields.ts';
import type { complianceChecks } from '../../schemas/nodes/compliance-gate.ts';
import { contactHours, describeSchedule, isAllowedNow, nextAllowedMoment, type Channel } from './hours.ts';

export type ComplianceCheck = (typeof complianceChecks)[number];

export interface GateContact {
  phone: string | null;
  email: string | null;
  timezone: string | null;
  consent: Record<string, boolean | undefined>;
}

export interface GateRequest {
  channel: Channel;
  profile: ComplianceProfileId;
  checks: readonly ComplianceCheck[];
  outsideHours: 'defer' | 'block';
  contact: GateContact;
  /** The journey's time zone, used when the contact has no valid zone of its own. */
  defaultTimezone: string;
  /** Milliseconds since the epoch, from the run's clock. */
  now: number;
  /** Whether `value` (an E.164 phone number, or a lower-cased email) is on a do-not-contact list for `channel`. */
  isDoNotContact: (channel: string, value: string) => boolean;
}

export type GateDecision =
  | { allowed: true; timezone: string }
  | { allowed: false; action: 'defer'; until: number; reason: string; rule: string; timezone: string }
  | { allowed: false; action: 'block'; reason: string; rule: string; timezone: string };

/**
 * The checks this implementation enforces. `holidays` and `frequency` are accepted in a gate's config but not yet
 * enforced: a gate asking for them lets the contact through as if they were not listed.
 */
export const enforcedChecks: readonly ComplianceCheck[] = ['hours', 'dnc', 'consent'];

/**
 * Channels that need the contact's recorded consent, per profile. SMS everywhere (TCPA prior express consent; PECR
 * regulation 22; Spam Act 2003; UEMA 2007); email where the law is opt-in (PECR, Spam Act, UEMA), not in the US,
 * where CAN-SPAM is opt-out. Consent for marketing calls (TCPA's rules for autodialled or prerecorded calls to mobiles)
 * is not modelled yet: voice relies on the DNC and hours checks.
 */
export const consentRequired: Record<ComplianceProfileId, readonly Channel[]> = {
  US: ['sms'],
  UK: ['sms', 'email'],
  AU: ['sms', 'email'],
  NZ: ['sms', 'email'],
};

// Lets a number written nationally ("07700 900123") match the E.164 form that do-not-contact lists hold.
const phoneCountry: Record<ComplianceProfileId, CountryCode> = { US: 'US', UK: 'GB', AU: 'AU', NZ: 'NZ' };

const channelWords: Record<Channel, { noun: string; address: string; hours: string }> = {
  voice: { noun: 'calls', address: 'phone number', hours: 'calling hours' },
  sms: { noun: 'texts', address: 'phone number', hours: 'texting hours' },
  email: { noun: 'emails', address: 'email address', hours: 'email hours' },
};

export function checkGate(request: GateRequest): GateDecision {
  const { channel, profile, checks, contact } = request;
  const timezone = contact.timezone && isValidTimezone(contact.timezone) ? contact.timezone : request.defaultTimezone;
  const words = channelWords[channel];
  const block = (rule: string, reason: string): GateDecision => ({ allowed: false, action: 'block', rule, reason, timezone });

  // Blocking checks come first: a contact who may never be reached should leave now, not wait for hours to open.
  if (checks.includes('dnc')) {
    const values = addressesToCheck(request);
    if (values.length === 0) {
      return block(
        `${profile}.dnc.missing-${channel === 'email' ? 'email' : 'phone'}`,
        `The contact has no ${words.address}, so it cannot be checked against the do-not-contact list.`,
      );
    }
    if (values.some((value) => request.isDoNotContact(channel, value))) {
      return block(`${profile}.dnc.internal`, `The contact’s ${words.address} is on the do-not-contact list for ${words.noun}.`);
    }
  }

  if (checks.includes('consent') && consentRequired[profile].includes(channel)) {
    const consent = contact.consent[channel];
    if (consent !== true) {
      return block(
        `${profile}.consent.${channel}`,
        consent === false
          ? `The contact has declined ${words.noun}; ${profile} rules need consent before sending ${words.noun}.`
          : `The contact has no recorded consent for ${words.noun}; ${profile} rules need consent before sending ${words.noun}.`,
      );
    }
  }

  const schedule = contactHours[profile][channel];
  if (checks.includes('hours') && schedule) {
    if (!isValidTimezone(timezone)) {
      return block(
        `${profile}.hours.timezone`,
        `The journey’s time zone "${timezone}" is not a known time zone, so the contact’s local time cannot be known.`,
      );
    }
    if (!isAllowedNow(schedule, timezone, request.now)) {
      const hours = `Outside ${words.hours} (${describeSchedule(schedule)}) in ${timezone}`;
      if (request.outsideHours === 'block') {
        return block(`${profile}.hours`, `${hours}; this gate sends such contacts out as blocked.`);
      }
      const until = nextAllowedMoment(schedule, timezone, request.now);
      return {
        allowed: false,
        action: 'defer',
        until,
        rule: `${profile}.hours`,
        reason: `${hours}; held until ${describeLocal(until, timezone, request.now)} local.`,
        timezone,
      };
    }
  }

  return { allowed: true, timezone };
}

// Lists hold normalised values; the raw phone is checked too, so an entry stored as imported still matches.
function addressesToCheck({ channel, profile, contact }: GateRequest): string[] {
  if (channel === 'email') {
    const email = contact.email?.trim().toLowerCase();
    return email ? [email] : [];
  }
  const raw = contact.phone?.trim();
  if (!raw) return [];
  const e164 = parsePhoneNumberFromString(raw, phoneCountry[profile])?.number;
  return e164 && e164 !== raw ? [e164, raw] : [raw];
}

/** "08:00" within a day, "Mon 09:00" further out, so a manager can tell tonight from next week. */
function describeLocal(moment: number, zone: string, now: number): string {
  const local = DateTime.fromMillis(moment, { zone });
  return local.toFormat(moment - now < 24 * 60 * 60 * 1000 ? 'HH:mm' : 'ccc HH:mm', { locale: 'en-GB' });
}
