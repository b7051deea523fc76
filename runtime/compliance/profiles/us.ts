// United States, federal rules: the TCPA (47 CFR 64.1200), the FTC's Telemarketing Sales Rule and CTIA's SMS principles.
import type { Schedule } from '../hours.ts';
import { helpKeywords, optInKeywords, optOutKeywords } from './keywords.ts';
import type { ComplianceProfile } from './types.ts';
import { everyDay } from './weekdays.ts';

const federalHours: Schedule = [{ days: everyDay, from: '08:00', to: '21:00' }];

export const us: ComplianceProfile = {
  id: 'US',
  name: 'United States (federal)',
  country: 'US',
  hours: {
    channels: { voice: federalHours, sms: federalHours, email: null },
    source:
      '47 CFR 64.1200(c)(1) and 16 CFR 310.4(c): no telephone solicitation before 8 a.m. or after 9 p.m. at the called party’s location. The FCC treats a text as a call under the TCPA, so texts keep the same hours. CAN-SPAM sets no hours for email.',
  },
  holidays: {
    channels: [],
    national: false,
    regional: false,
    source: 'No federal rule forbids calls on holidays; some states do (see the state overrides).',
  },
  abandonment: {
    maxRate: 0.03,
    window: { hours: 30 * 24, per: 'campaign' },
    connectWithinSeconds: 2,
    measuredFrom: 'greeting-end',
    countsAmdFalsePositives: true,
    source:
      '47 CFR 64.1200(a)(7)(i), 16 CFR 310.2 and 310.4(b)(1)(iv), (b)(4)(i): at most 3 % of calls answered by a person, per calling campaign over a 30-day period; a call is abandoned when the person is not connected to a live agent within two seconds of the end of their greeting, so a person the answering-machine detector hung up on (or played a message to) is an abandoned call.',
  },
  ring: { minSeconds: 15, source: '47 CFR 64.1200(a)(6) and 16 CFR 310.4(b)(4)(ii): let the phone ring for at least 15 seconds or four rings.' },
  informationMessage: {
    required: true,
    source:
      '47 CFR 64.1200(a)(7)(i)(B): an abandoned call plays a prerecorded message with the seller’s name and a number that lets the person ask not to be called again.',
  },
  redial: {
    afterAbandonedHours: null,
    unlessAgentGuaranteed: false,
    source: 'No federal rule on calling again after an abandoned call; the 3 % cap and the information message are the federal answer.',
  },
  registry: {
    name: 'National Do Not Call Registry',
    maxAgeDays: 31,
    channels: ['voice', 'sms'],
    consentExempts: true,
    source:
      '47 CFR 64.1200(c)(2)(i)(D) and 16 CFR 310.4(b)(3)(iv): use a copy of the registry obtained no more than 31 days before the call. 47 CFR 64.1200(e) extends the registry to texts to mobile numbers (FCC 23-107). Prior express written permission exempts a contact (64.1200(c)(2)(ii)).',
  },
  optOut: {
    honourWithin: { days: 10, business: true },
    optOutKeywords,
    optInKeywords,
    helpKeywords,
    source:
      '47 CFR 64.1200(d)(3) as amended by FCC 24-24: honour a do-not-call or revocation request within 10 business days; STOP, QUIT, END, REVOKE, OPT OUT, CANCEL and UNSUBSCRIBE revoke consent. CTIA Messaging Principles: STOPALL opts out, START and UNSTOP opt back in, HELP is answered.',
    uncertain: 'INFO as a help word is CTIA practice, not law; answering it costs nothing.',
  },
  consent: {
    channels: ['sms'],
    source:
      '47 CFR 64.1200(a)(2): prior express written consent for marketing texts sent with an autodialer. CAN-SPAM is opt-out, so email needs none. Marketing calls to landlines need none; the registry covers them.',
    uncertain:
      'Prerecorded or autodialled marketing calls to mobiles need prior express written consent too (64.1200(a)(2)); we cannot tell a mobile from a landline in the US from the number alone, so voice consent is not demanded here: the registry check applies to every contact without voice consent instead.',
  },
  frequency: [
    {
      channel: 'voice',
      counts: ['voice'],
      max: 3,
      windowHours: 24,
      source: 'House rule: at most 3 calls to a number in 24 hours, across all journeys, as Florida, Oklahoma and Maryland require.',
      uncertain:
        'No federal cap exists; the TSR forbids calls made repeatedly to annoy (16 CFR 310.4(b)(1)(i)) without a number, so we apply the strictest state’s number everywhere.',
    },
  ],
};
