// The `compliance-gate` step: lets a contact through only when the law and the contact's wishes allow it.
import { z } from 'zod';
import { complianceProfileIds } from '../compliance-profiles.ts';
import { defineNode } from '../node-definition.ts';

export const complianceChecks = ['hours', 'holidays', 'dnc', 'consent', 'frequency'] as const;

export const complianceGate = defineNode({
  kind: 'compliance-gate',
  label: 'Compliance gate',
  description:
    'Checks calling hours in the contact’s own time zone, holidays, do-not-contact lists, consent and how often the contact was reached, before a call, text or email.',
  category: 'compliance',
  icon: 'shield-check',
  config: z
    .object({
      channel: z
        .enum(['voice', 'sms', 'email'], { error: 'must be voice, sms or email' })
        .default('voice')
        .meta({ title: 'Channel', widget: 'select', optionLabels: { voice: 'Phone call', sms: 'SMS', email: 'Email' } }),
      profile: z
        .enum(complianceProfileIds, { error: `must be one of ${complianceProfileIds.join(', ')}` })
        .optional()
        .meta({ title: 'Rules', description: 'Leave empty to use the journey’s rules.', widget: 'compliance-profile' }),
      checks: z
        .array(z.enum(complianceChecks, { error: `must be one of ${complianceChecks.join(', ')}` }))
        .min(1, { error: 'must include at least one check' })
        .default([...complianceChecks])
        .meta({
          title: 'Checks',
          widget: 'select',
          optionLabels: {
            hours: 'Allowed hours in the contact’s time zone',
            holidays: 'Public holidays',
            dnc: 'Do-not-contact lists',
            consent: 'Consent for this channel',
            frequency: 'How often the contact was reached',
          },
        }),
      outsideHours: z
        .enum(['defer', 'block'], { error: 'must be defer or block' })
        .default('defer')
        .meta({
          title: 'Outside allowed hours',
          widget: 'select',
          optionLabels: { defer: 'Hold the contact until hours open', block: 'Send the contact out by "Blocked"' },
        }),
    })
    .strict(),
  ports: ['allowed', 'blocked'],
  portLabels: { allowed: 'Allowed', blocked: 'Blocked' },
  guards: { channel: (c) => c.channel, port: 'allowed' },
  summary: (c) =>
    `${{ voice: 'Calls', sms: 'Texts', email: 'Emails' }[c.channel]} allowed?${c.profile ? ` (${c.profile} rules)` : ''}${
      c.outsideHours === 'defer' ? ', wait for hours' : ''
    }`,
});
