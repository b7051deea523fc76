// The shape of a compliance profile: every rule a gate or a dialer enforces, each with the source it comes from.
import type { ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import type { Channel, Schedule } from '../hours.ts';

/**
 * Where a rule comes from, and what we were unsure of. `uncertain` is set when the rule could only be read
 * second-hand or the law is silent; the value chosen then is the stricter reading, and the note says which.
 */
export interface Source {
  source: string;
  uncertain?: string;
}

export interface HoursRule extends Source {
  /** Allowed local hours per channel; `null` means the channel may be used at any time. */
  channels: Record<Channel, Schedule | null>;
}

export interface HolidayRule extends Source {
  /** Channels that must not be used on a holiday in the contact's local calendar. */
  channels: readonly Channel[];
  /** Public holidays of the whole country (date-holidays, type `public`). */
  national: boolean;
  /**
   * Public holidays of the contact's state or region too. When the region is not known, the holidays of every
   * region count, which is the stricter reading.
   */
  regional: boolean;
}

export interface AbandonmentRule extends Source {
  /** The highest share of live-answered calls that may be abandoned, as a fraction (0.03 is 3 %). */
  maxRate: number;
  /** Over what the rate is measured. */
  window: { hours: number; per: 'campaign' | 'call-centre' };
  /** An answered call counts as abandoned when no agent is connected within this many seconds of `measuredFrom`. */
  connectWithinSeconds: number;
  measuredFrom: 'greeting-end' | 'greeting-start';
  /** Whether calls that answering-machine detection wrongly hung up on (a person taken for a machine) count. */
  countsAmdFalsePositives: boolean;
}

export interface RingRule extends Source {
  minSeconds: number;
}

export interface InformationMessageRule extends Source {
  /** A recorded message naming the caller and a number to call back must play on every abandoned call. */
  required: boolean;
}

export interface RedialRule extends Source {
  /** No new call to a number whose call was abandoned within this many hours, or `null` for no such rule. */
  afterAbandonedHours: number | null;
  /** The wait above does not apply when an agent is guaranteed to be free for the repeat call. */
  unlessAgentGuaranteed: boolean;
}

export interface RegistryRule extends Source {
  /** The national do-not-call register whose imported copy a gate checks. */
  name: string;
  /** Oldest allowed download of the register, in days, at the moment of the call. */
  maxAgeDays: number;
  /** Channels the register protects. */
  channels: readonly Channel[];
  /**
   * A contact whose recorded consent for the channel is `true` may be reached even when listed (the law exempts
   * prior express permission everywhere we model). Then neither the listing nor the copy's age matters.
   */
  consentExempts: boolean;
}

export interface OptOutRule extends Source {
  /** How long an opt-out may take to be honoured, at most. */
  honourWithin: { days: number; business: boolean };
  /** Single-word SMS replies that opt a number out of texts, upper case. */
  optOutKeywords: readonly string[];
  /** Replies that opt a number back in. */
  optInKeywords: readonly string[];
  /** Replies answered with who is texting and how to stop. */
  helpKeywords: readonly string[];
}

export interface ConsentRule extends Source {
  /** Channels for which the contact's recorded consent must be `true`. */
  channels: readonly Channel[];
}

export interface FrequencyCap extends Source {
  /** The channel a gate asks about that this cap limits. */
  channel: Channel;
  /** The attempts that count towards the cap (Maryland counts texts towards calls). */
  counts: readonly Channel[];
  max: number;
  windowHours: number;
}

export interface ComplianceProfile {
  id: ComplianceProfileId;
  name: string;
  /** date-holidays country code, and the phone numbering country libphonenumber uses. */
  country: 'US' | 'GB' | 'AU' | 'NZ' | 'CA';
  hours: HoursRule;
  holidays: HolidayRule;
  abandonment: AbandonmentRule;
  ring: RingRule;
  informationMessage: InformationMessageRule;
  redial: RedialRule;
  registry: RegistryRule;
  optOut: OptOutRule;
  consent: ConsentRule;
  frequency: readonly FrequencyCap[];
}

/**
 * How sure we are of a rule: `high` when the statute or official text was read, `medium` when two independent
 * secondary sources agree, `low` when one secondary source says so or the sources disagree.
 */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * Rules of a region (a US state) that replace or add to its country's profile for contacts living there. Every region
 * has a row, even one that only repeats the country's rules, so that a reader can tell a region checked from one
 * forgotten: a row without `hours`, `namedHolidays` or `frequency` means the country's rules alone apply.
 */
export interface RegionOverride extends Source {
  region: string;
  name: string;
  /** The day (YYYY-MM-DD) the row was last checked against its sources. */
  checkedOn: string;
  confidence: Confidence;
  /**
   * Whether the region's own law takes in text messages. When it is `not stated`, texts keep the region's hours
   * anyway (the stricter reading).
   */
  textsCount: 'yes' | 'no' | 'not stated';
  /** Rules of the region we found but do not apply, and why (hours for recorded-message devices only, say). */
  notApplied?: string;
  /** Replaces the country's hours for the listed channels. */
  hours?: { channels: Partial<Record<Channel, Schedule>> } & Source;
  /** Named holidays on which the listed channels must not be used (names as date-holidays spells them). */
  namedHolidays?: {
    channels: readonly Channel[];
    names: readonly string[];
    /** Count the named days even where date-holidays files them as observances (a holiday its data has not caught up with). */
    includeObservances?: boolean;
  } & Source;
  /** Caps added to the country's. */
  frequency?: readonly FrequencyCap[];
}
