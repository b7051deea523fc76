// New Zealand: the Marketing Association's code, the Unsolicited Electronic Messages Act 2007 and its Do Not Call list.
import type { Schedule } from '../hours.ts';
import { helpKeywords, optInKeywords, optOutKeywords } from './keywords.ts';
import type { ComplianceProfile } from './types.ts';
import { monToFri } from './weekdays.ts';

// The code, as its members summarise it, allows 08:00-21:00 Monday to Saturday. We could only read it second-hand,
// so we keep a margin: the day starts at 09:00 and Saturday ends at 18:00.
const hours: Schedule = [
  { days: monToFri, from: '09:00', to: '21:00' },
  { days: ['sat'], from: '09:00', to: '18:00' },
];

export const nz: ComplianceProfile = {
  id: 'NZ',
  name: 'New Zealand',
  country: 'NZ',
  hours: {
    channels: { voice: hours, sms: hours, email: null },
    source:
      'Marketing Association Code of Practice for Direct Marketing (telemarketing): no calls on Sundays or public holidays, calls within reasonable hours (08:00-21:00 Monday to Saturday in members’ guidance).',
    uncertain: 'Read second-hand; we call from 09:00 and stop at 18:00 on Saturdays. The UEMA sets no hours for texts; we keep the call hours.',
  },
  holidays: {
    channels: ['voice', 'sms'],
    national: true,
    regional: true,
    source:
      'Marketing Association code: no telemarketing on public holidays. Holidays Act 2003, section 44: regional anniversary days are public holidays in their region.',
    uncertain: 'When the contact’s region is unknown, every region’s anniversary day counts.',
  },
  abandonment: {
    maxRate: 0.03,
    window: { hours: 24, per: 'call-centre' },
    connectWithinSeconds: 2,
    measuredFrom: 'greeting-start',
    countsAmdFalsePositives: true,
    source: 'No New Zealand rule caps abandoned calls; we apply the strictest cap we model (Ofcom’s, UK).',
    uncertain: 'Chosen as the stricter side in the absence of a rule.',
  },
  ring: { minSeconds: 15, source: 'No New Zealand rule; 15 seconds as in the US and the UK.', uncertain: 'Chosen in the absence of a rule.' },
  informationMessage: {
    required: true,
    source: 'Marketing Association code: callers identify themselves; we play a message on every abandoned call.',
    uncertain: 'The code does not speak of abandoned calls; the message is the stricter reading.',
  },
  redial: {
    afterAbandonedHours: 72,
    unlessAgentGuaranteed: true,
    source: 'No New Zealand rule; we apply Ofcom’s 72 hours (UK).',
    uncertain: 'Chosen as the stricter side in the absence of a rule.',
  },
  registry: {
    name: 'Do Not Call register (Marketing Association Name Removal Service)',
    maxAgeDays: 30,
    channels: ['voice'],
    consentExempts: true,
    source: 'Marketing Association code: members screen their lists against the Do Not Call register.',
    uncertain: 'The register is voluntary and its rules name no age for a copy; we allow 30 days, as Australia does.',
  },
  optOut: {
    honourWithin: { days: 5, business: true },
    optOutKeywords,
    optInKeywords,
    helpKeywords,
    source: 'Unsolicited Electronic Messages Act 2007, section 11: a functional unsubscribe facility, honoured within 5 working days.',
    uncertain: 'The Act names no keywords; we honour the US list, which is the longest.',
  },
  consent: { channels: ['sms', 'email'], source: 'Unsolicited Electronic Messages Act 2007, section 9: commercial electronic messages need consent.' },
  frequency: [
    {
      channel: 'voice',
      counts: ['voice'],
      max: 3,
      windowHours: 24,
      source: 'House rule: at most 3 calls to a number in 24 hours, across all journeys.',
      uncertain: 'No New Zealand cap; we use the strictest number we know (US states).',
    },
  ],
};
