// Canada: the CRTC's Unsolicited Telecommunications Rules (UTRs: Part II National DNCL Rules, Part III Telemarketing
// Rules, Part IV Automatic Dialing-Announcing Device Rules) for calls, CASL for texts and email, and British Columbia's
// Telemarketer Licensing Regulation, the one provincial rule on calling days we found.
import type { Schedule } from '../hours.ts';
import { helpKeywords, optInKeywords, optOutKeywords } from './keywords.ts';
import type { ComplianceProfile, RegionOverride } from './types.ts';
import { monToFri } from './weekdays.ts';

const utr =
  'CRTC Unsolicited Telecommunications Rules (Telecom Decision CRTC 2007-48, as amended by Telecom Decision CRTC 2008-6 and Compliance and Enforcement Regulatory Policy CRTC 2014-155)';

const hours: Schedule = [
  { days: monToFri, from: '09:00', to: '21:30' },
  { days: ['sat', 'sun'], from: '10:00', to: '18:00' },
];

export const ca: ComplianceProfile = {
  id: 'CA',
  name: 'Canada',
  country: 'CA',
  hours: {
    // Texts are not telemarketing telecommunications under the UTRs (CASL governs them, and sets no hours); keeping
    // them to the calling hours is the stricter reading and what a recipient expects.
    channels: { voice: hours, sms: hours, email: null },
    source: `${utr}, Part III (Telemarketing Rules): telemarketing telecommunications only between 9:00 a.m. and 9:30 p.m. on weekdays and between 10:00 a.m. and 6:00 p.m. on weekends, in the called party’s local time (CRTC, “Key Unsolicited Telecommunications Rules”, crtc.gc.ca/eng/phone/telemarketing/tobligations/rules-regles.htm).`,
    uncertain:
      'The UTRs set no hours for texts; we apply the calling hours to them too. The rule’s section number within Part III was not read in the current amalgamated text.',
  },
  holidays: {
    channels: [],
    national: false,
    regional: false,
    source:
      'The UTRs forbid no day; weekends have their own hours. British Columbia closes its statutory holidays (see the province overrides). No other province’s telemarketing rule on days or hours was found.',
  },
  abandonment: {
    maxRate: 0.05,
    window: { hours: 30 * 24, per: 'campaign' },
    connectWithinSeconds: 2,
    measuredFrom: 'greeting-start',
    countsAmdFalsePositives: true,
    source: `${utr}, Part I definitions: an “Abandoned Call” is a telecommunication placed by a predictive dialing device which, when answered by the consumer, has no live telemarketer available to speak within two seconds; Part III: the abandonment rate of a calling campaign is at most 5 % of calls answered by a live person, measured over each 30-day period, with records kept.`,
    uncertain:
      'The 5 % and 30-day figures were confirmed only in CRTC and secondary summaries, not in the rule’s own text. The two seconds run from the answer (the definition says “when answered”), not from the end of the greeting as in the US, and a person the answering-machine detector hung up on was answered with no telemarketer: both counted, the stricter reading.',
  },
  ring: {
    minSeconds: 15,
    source: 'House rule: let an unanswered call ring for at least 15 seconds, as the US and UK require.',
    uncertain: 'No minimum ring time was found in the UTRs; we keep the US and UK figure.',
  },
  informationMessage: {
    required: true,
    source: `${utr}, Part III: a telemarketer identifies itself and the client it calls for at the start of every call, gives on request a telephone number (and a name and postal or email address) where someone responsible can be reached, and displays a calling number that can be called back; an abandoned call plays a recorded message naming the caller and that number, with no solicitation.`,
    uncertain:
      'The duty to play a message on an abandoned call was read in summaries of Telecom Decision CRTC 2004-35 only; playing one is the stricter reading. The identification duties are the dialer’s and the agent script’s: the gate cannot check them.',
  },
  redial: {
    afterAbandonedHours: null,
    unlessAgentGuaranteed: false,
    source: 'No federal rule on calling again after an abandoned call was found; the 5 % cap and the message are the UTRs’ answer.',
    uncertain:
      'British Columbia’s Telemarketer Licensing Regulation allows one contact per 30 days about the same goods or services; it is per offer, which a cap across journeys cannot tell apart, and is not enforced here: space a BC journey’s attempts yourself.',
  },
  registry: {
    name: 'National Do Not Call List (DNCL)',
    maxAgeDays: 31,
    channels: ['voice'],
    consentExempts: true,
    source: `${utr}, Part II (National DNCL Rules): no telemarketing call to a number registered on the National DNCL for more than 31 days, unless the consumer gave express consent; the copy of the list used must have been obtained no more than 31 days before the call. Registrations no longer expire (since 2014, lnnte-dncl.gc.ca).`,
    uncertain:
      'An imported copy holds numbers without their registration dates, so every listed number is blocked, even one registered in the last 31 days: the stricter reading. Texts are not covered by the DNCL (CASL’s consent rule covers them). Existing business relationships, charities and the other DNCL exemptions are not modelled.',
  },
  optOut: {
    honourWithin: { days: 14, business: false },
    optOutKeywords,
    optInKeywords,
    helpKeywords,
    source: `${utr}, Part III: a consumer’s do-not-call request is added to the telemarketer’s internal list within 14 days and kept for 3 years and 14 days. CASL (S.C. 2010, c. 23) s. 11(3): an unsubscribe request for texts and email takes effect within 10 business days.`,
    uncertain:
      'Opt-outs recorded here apply at once and are never dropped, which meets both the 14 days and the 3 years. No keyword list is set in law; we honour the US list, which is the longest.',
  },
  consent: {
    channels: ['sms', 'email'],
    source:
      'CASL s. 6(1): no commercial electronic message (text or email) without the recipient’s express or implied consent. Live calls need no consent; the DNCL covers them.',
    uncertain: `${utr}, Part IV (ADAD Rules): a telemarketing call that plays a recorded or synthesized message needs the called party’s express consent. The gate cannot tell a live agent from a recording, so voice consent is not demanded here: a journey that calls with recordings must gate on consent itself.`,
  },
  frequency: [
    {
      channel: 'voice',
      counts: ['voice'],
      max: 3,
      windowHours: 24,
      source: 'House rule: at most 3 calls to a number in 24 hours, across all journeys.',
      uncertain: 'No federal cap exists; we apply the strictest US state’s number, as the other profiles do.',
    },
  ],
};

/** Province codes as date-holidays and Google's place data write them. */
export const provinceNames: Record<string, string> = {
  AB: 'Alberta',
  BC: 'British Columbia',
  MB: 'Manitoba',
  NB: 'New Brunswick',
  NL: 'Newfoundland and Labrador',
  NS: 'Nova Scotia',
  NT: 'Northwest Territories',
  NU: 'Nunavut',
  ON: 'Ontario',
  PE: 'Prince Edward Island',
  QC: 'Quebec',
  SK: 'Saskatchewan',
  YT: 'Yukon',
};

// Not annotated where it is written, so that the row type's fields for the state table (checkedOn, confidence, ...)
// can be added or not without this row failing the excess-property check.
const bcRow = {
  region: 'BC',
  name: 'British Columbia',
  source:
    'Business Practices and Consumer Protection Act (S.B.C. 2004, c. 2) and its Telemarketer Licensing Regulation, for telemarketers calling consumers in British Columbia.',
  checkedOn: '2026-12-03',
  confidence: 'low' as const,
  textsCount: 'not stated' as const,
  notApplied:
    'At most one contact per 30 days about the same goods or services without the consumer’s permission: per offer, which a cap across journeys cannot tell apart.',
  namedHolidays: {
    channels: ['voice'] as const,
    // British Columbia's statutory holidays (Employment Standards Act, s. 1); date-holidays still files the National
    // Day for Truth and Reconciliation (statutory in BC since 2023) as an observance, so observances named here count.
    names: [
      "New Year's Day",
      'Family Day',
      'Good Friday',
      'Victoria Day',
      'Canada Day',
      'British Columbia Day',
      'Labour Day',
      'National Day for Truth and Reconciliation',
      'Thanksgiving',
      'Remembrance Day',
      'Christmas Day',
    ],
    includeObservances: true,
    source:
      'Telemarketer Licensing Regulation (B.C.): no telemarketing calls on a statutory holiday; weekday and weekend hours as the CRTC’s (Consumer Protection BC, “Everything you wanted to know about telemarketers”, 2011, and “Looking for some telemarketing tips”, 2014).',
    uncertain: 'Read in Consumer Protection BC’s summaries, not in the regulation’s text; the list of statutory holidays is the Employment Standards Act’s.',
  },
};
const bc: RegionOverride = bcRow;

/** The provinces whose own rules add to the country's. */
export const caProvinceOverrides: ReadonlyMap<string, RegionOverride> = new Map([[bc.region, bc]]);
