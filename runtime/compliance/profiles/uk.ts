// United Kingdom: Ofcom's persistent-misuse policy, PECR and the TPS, with the DMA's calling hours.
import type { Schedule } from '../hours.ts';
import { helpKeywords, optInKeywords, optOutKeywords } from './keywords.ts';
import type { ComplianceProfile } from './types.ts';
import { monToFri } from './weekdays.ts';

const hours: Schedule = [
  { days: monToFri, from: '08:00', to: '21:00' },
  { days: ['sat'], from: '09:00', to: '21:00' },
];

export const uk: ComplianceProfile = {
  id: 'UK',
  name: 'United Kingdom',
  country: 'GB',
  hours: {
    channels: { voice: hours, sms: hours, email: null },
    source: 'DMA Telemarketing Guide: Monday to Friday 08:00-21:00, Saturday 09:00-21:00, no calls on Sundays or bank holidays.',
    uncertain: 'No statute sets hours; the ICO only asks to avoid antisocial hours. We take the DMA guide as the rule and apply it to texts too.',
  },
  holidays: {
    channels: ['voice', 'sms'],
    national: true,
    regional: true,
    source: 'DMA Telemarketing Guide: no calls on bank holidays.',
    uncertain:
      'Bank holidays differ between England and Wales, Scotland and Northern Ireland; when the contact’s nation (state ENG, WLS, SCT or NIR) is unknown, the bank holidays of every nation count.',
  },
  abandonment: {
    maxRate: 0.03,
    window: { hours: 24, per: 'call-centre' },
    connectWithinSeconds: 2,
    measuredFrom: 'greeting-start',
    countsAmdFalsePositives: true,
    source:
      'Ofcom, Revised statement of policy on the persistent misuse of an electronic communications network or service (2016), A1.13-A1.19: at most 3 % of live calls per call centre per 24 hours, a call being abandoned when no agent is connected within 2 seconds of the start of the greeting; calls hung up on by answering-machine detection that reached a person count, by a reasoned estimate.',
  },
  ring: { minSeconds: 15, source: 'Ofcom persistent-misuse policy (2016), A1.20: unanswered calls ring for at least 15 seconds.' },
  informationMessage: {
    required: true,
    source:
      'Ofcom persistent-misuse policy (2016), A1.21: an abandoned call plays a brief recorded message naming the company and a number to call back free of charge or at basic rate.',
  },
  redial: {
    afterAbandonedHours: 72,
    unlessAgentGuaranteed: true,
    source:
      'Ofcom persistent-misuse policy (2016), A1.23: no repeat call within 72 hours to a number whose call was abandoned, unless a live agent is guaranteed.',
  },
  registry: {
    name: 'Telephone Preference Service (TPS)',
    maxAgeDays: 28,
    channels: ['voice'],
    consentExempts: true,
    source:
      'PECR regulation 21: no marketing calls to TPS-registered numbers; a registration takes effect after 28 days, so callers screen against a copy at most 28 days old. A subscriber who has told the caller they do not object may be called (regulation 21(4)).',
  },
  optOut: {
    honourWithin: { days: 28, business: false },
    optOutKeywords,
    optInKeywords,
    helpKeywords,
    source: 'PECR regulations 21 and 22 and UK GDPR article 21(3): stop direct marketing to a person who objects.',
    uncertain:
      'No statute sets the delay; the ICO expects objections to be honoured promptly and the TPS allows 28 days, which we keep as the outer limit. Opt-outs recorded here apply at once. No keyword list is set in law; we honour the US list, which is the longest.',
  },
  consent: {
    channels: ['sms', 'email'],
    source: 'PECR regulation 22: marketing texts and emails to individuals need prior consent (or a soft opt-in we do not model).',
  },
  frequency: [
    {
      channel: 'voice',
      counts: ['voice'],
      max: 3,
      windowHours: 24,
      source: 'House rule: at most 3 calls to a number in 24 hours, across all journeys.',
      uncertain: 'Ofcom lists repeated calls among misuse without a number; we use the strictest number we know (US states).',
    },
  ],
};
