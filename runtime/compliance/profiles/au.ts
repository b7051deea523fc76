// Australia: the Telemarketing and Research Calls Industry Standard 2017, the Do Not Call Register Act and the Spam Act.
import type { Schedule } from '../hours.ts';
import { helpKeywords, optInKeywords, optOutKeywords } from './keywords.ts';
import type { ComplianceProfile } from './types.ts';
import { monToFri } from './weekdays.ts';

const hours: Schedule = [
  { days: monToFri, from: '09:00', to: '20:00' },
  { days: ['sat'], from: '09:00', to: '17:00' },
];

export const au: ComplianceProfile = {
  id: 'AU',
  name: 'Australia',
  country: 'AU',
  hours: {
    channels: { voice: hours, sms: hours, email: null },
    source:
      'Telecommunications (Telemarketing and Research Calls) Industry Standard 2017, section 8 and schedule 1: telemarketing calls on weekdays 09:00-20:00 and Saturdays 09:00-17:00 in the recipient’s local time, never on Sundays or national public holidays.',
    uncertain:
      'Research calls have longer hours; we apply the telemarketing hours to every call. The Spam Act sets no hours for texts; we keep the call hours.',
  },
  holidays: {
    channels: ['voice', 'sms'],
    national: true,
    regional: true,
    source: 'Industry Standard 2017, schedule 1: no calls on a national public holiday.',
    uncertain:
      'Only national public holidays are named; we also avoid the public holidays of the contact’s state, and of every state when the state is unknown.',
  },
  abandonment: {
    maxRate: 0.03,
    window: { hours: 24, per: 'call-centre' },
    connectWithinSeconds: 2,
    measuredFrom: 'greeting-start',
    countsAmdFalsePositives: true,
    source: 'No Australian rule caps abandoned calls; we apply the strictest cap we model (Ofcom’s, UK).',
    uncertain: 'Chosen as the stricter side in the absence of a rule.',
  },
  ring: { minSeconds: 15, source: 'No Australian rule; 15 seconds as in the US and the UK.', uncertain: 'Chosen in the absence of a rule.' },
  informationMessage: {
    required: true,
    source:
      'Industry Standard 2017, section 9: the caller identifies itself and, on request, gives contact details; we play a message on every abandoned call.',
    uncertain: 'The standard does not speak of abandoned calls; the message is the stricter reading.',
  },
  redial: {
    afterAbandonedHours: 72,
    unlessAgentGuaranteed: true,
    source: 'No Australian rule; we apply Ofcom’s 72 hours (UK).',
    uncertain: 'Chosen as the stricter side in the absence of a rule.',
  },
  registry: {
    name: 'Do Not Call Register',
    maxAgeDays: 30,
    channels: ['voice'],
    consentExempts: true,
    source:
      'Do Not Call Register Act 2006, section 11: no telemarketing calls to registered numbers without consent. Do Not Call Register (Administration and Operation) Determination 2017: the result of washing a list is valid for 30 days.',
  },
  optOut: {
    honourWithin: { days: 5, business: true },
    optOutKeywords,
    optInKeywords,
    helpKeywords,
    source: 'Spam Act 2003, section 18: every commercial message carries a functional unsubscribe, honoured within 5 working days.',
    uncertain: 'The Act names no keywords; we honour the US list, which is the longest.',
  },
  consent: { channels: ['sms', 'email'], source: 'Spam Act 2003, section 16: commercial electronic messages (email, SMS) need consent.' },
  frequency: [
    {
      channel: 'voice',
      counts: ['voice'],
      max: 3,
      windowHours: 24,
      source: 'House rule: at most 3 calls to a number in 24 hours, across all journeys.',
      uncertain: 'No Australian cap; we use the strictest number we know (US states).',
    },
  ],
};
