// The `dialer` step: places a call, detects answering machines, and connects live answers to agents.
import { z } from 'zod';
import { dataRoots, e164, scriptRoots, slug, template } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

export const dialerModes = ['predictive', 'progressive', 'preview', 'agentless'] as const;

/** What an agent's outcome may mean beyond the journey's branch: the lists it puts the contact on. */
export const outcomeMeanings = ['do-not-call', 'do-not-text', 'do-not-email', 'do-not-contact', 'nothing'] as const;
export type OutcomeMeaning = (typeof outcomeMeanings)[number];
export const outcomeMeaningLabels: Record<OutcomeMeaning, string> = {
  'do-not-call': 'Do not call',
  'do-not-text': 'Do not text',
  'do-not-email': 'Do not email',
  'do-not-contact': 'Do not call, text or email',
  nothing: 'Nothing (no list)',
};
/** Outcomes whose names say what they mean; a step's own settings override them. */
export const defaultOutcomeMeanings: Readonly<Record<string, OutcomeMeaning>> = {
  'do-not-call': 'do-not-call',
  dnc: 'do-not-call',
  'do-not-text': 'do-not-text',
  'do-not-email': 'do-not-email',
  'do-not-contact': 'do-not-contact',
};
export type DialerMode = (typeof dialerModes)[number];

/** Ring time below this is an abandoned attempt under US (47 CFR 64.1200(a)(6)) and UK (Ofcom) rules. */
export const minimumRingSeconds = 15;

export const dialer = defineNode({
  kind: 'dialer',
  label: 'Phone call',
  description:
    'Calls the contact. Live answers go to an agent in the chosen queue (or hear a recorded message when no agent is needed); answering machines are detected and handled.',
  category: 'channel',
  icon: 'phone',
  channel: 'voice',
  config: z
    .object({
      mode: z
        .enum(dialerModes, { error: `must be one of ${dialerModes.join(', ')}` })
        .default('progressive')
        .meta({
          title: 'How calls are placed',
          widget: 'select',
          optionLabels: {
            predictive: 'Predictive: dial ahead of free agents, within the abandoned-call limit',
            progressive: 'Progressive: one call for each free agent',
            preview: 'Preview: the agent sees the contact first and starts the call',
            agentless: 'Recorded message: no agent, the contact hears a message',
          },
        }),
      queue: slug().optional().meta({ title: 'Agent queue', description: 'Agents in this queue take the calls.', widget: 'queue' }),
      script: template(scriptRoots).optional().meta({ title: 'Agent script', description: 'Shown to the agent during the call.', widget: 'template' }),
      message: template(dataRoots).optional().meta({
        title: 'Recorded message',
        description: 'Read to the contact when no agent is needed, or left on an answering machine.',
        widget: 'template',
      }),
      amd: z
        .object({
          enabled: z.boolean({ error: 'must be true or false' }).default(true).meta({ title: 'Detect answering machines', widget: 'boolean' }),
          onMachine: z
            .enum(['hangup', 'leave-message'], { error: 'must be hangup or leave-message' })
            .default('hangup')
            .meta({
              title: 'When a machine answers',
              widget: 'select',
              optionLabels: { hangup: 'Hang up', 'leave-message': 'Leave the recorded message after the beep' },
            }),
          toFreeAgent: z.boolean({ error: 'must be true or false' }).default(true).meta({
            title: 'Let a free agent hear suspected machines',
            description:
              'When the detector says machine and an agent is free, the agent hears the call first and marks the machine, or talks if the detector was wrong. A person the detector hangs up on counts as an abandoned call. With no agent free (in predictive mode: none the next few seconds of answers do not need), the call is handled as above.',
            widget: 'boolean',
          }),
          peopleMissedPercent: z
            .number({ error: 'must be a percentage' })
            .min(0, { error: 'must be at least 0 %' })
            .max(50, { error: 'must be at most 50 %' })
            .default(2)
            .meta({
              title: 'People the detector takes for machines',
              unit: '%',
              description:
                'Your detector’s error on people, from its vendor or your own measurement. Each person it takes for a machine and hangs up on counts as an abandoned call.',
              widget: 'percent',
            }),
        })
        .strict()
        .default({ enabled: true, onMachine: 'hangup', toFreeAgent: true, peopleMissedPercent: 2 })
        .meta({ title: 'Answering machines', widget: 'group' }),
      ringSeconds: z
        .number({ error: 'must be a number of seconds' })
        .int({ error: 'must be a whole number of seconds' })
        .min(minimumRingSeconds, {
          error: `must be at least ${minimumRingSeconds} seconds: the legal minimum ring time before hanging up (US and UK rules)`,
        })
        .max(120, { error: 'must be at most 120 seconds' })
        .default(20)
        .meta({ title: 'Ring time', unit: 'seconds', widget: 'number' }),
      maxAbandonRate: z
        .number({ error: 'must be a percentage' })
        .gt(0, { error: 'must be more than 0 %' })
        .max(3, { error: 'must be at most 3 %: the legal limit on abandoned calls' })
        .optional()
        .meta({
          title: 'Abandoned-call limit',
          unit: '%',
          description: 'Calls answered by a person with no agent free. Leave empty for the legal limit of the journey’s rules.',
          widget: 'percent',
        }),
      outcomeMeanings: z
        .record(
          z.string().trim().min(1, { error: 'must name an outcome' }).max(64, { error: 'must be at most 64 characters' }),
          z.enum(outcomeMeanings, { error: `must be one of ${outcomeMeanings.join(', ')}` }),
        )
        .optional()
        .meta({
          title: 'Outcomes that stop contact',
          description:
            'An agent outcome listed here puts the number (or email) on the do-not-contact list for every journey. Without settings, do-not-call and dnc mean do not call; do-not-text, do-not-email and do-not-contact mean what they say.',
          widget: 'outcome-meanings',
          optionLabels: outcomeMeaningLabels,
        }),
      callerId: e164().meta({ title: 'Caller ID', description: 'The number the contact sees; the law requires one.', widget: 'phone' }),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.mode !== 'agentless' && !c.queue) {
        ctx.addIssue({ code: 'custom', path: ['queue'], message: '{step} needs an agent queue to connect answered calls to' });
      }
      if (c.mode === 'agentless' && !c.message) {
        ctx.addIssue({ code: 'custom', path: ['message'], message: '{step} plays a recorded message but has no message text' });
      }
      if (c.amd.onMachine === 'leave-message' && !c.message) {
        ctx.addIssue({ code: 'custom', path: ['message'], message: '{step} leaves a message on answering machines but has no message text' });
      }
    }),
  ports: ['connected', 'machine', 'no-answer', 'abandoned', 'failed'],
  portLabels: {
    connected: 'Talked',
    machine: 'Answering machine',
    'no-answer': 'No answer',
    abandoned: 'Abandoned',
    failed: 'Failed',
  },
  summary: (c) => {
    const mode = { predictive: 'Predictive', progressive: 'Progressive', preview: 'Preview', agentless: 'Recorded message' }[c.mode];
    const queue = c.queue && c.mode !== 'agentless' ? `, queue ${c.queue}` : '';
    return `${mode}${queue}, machine detection ${c.amd.enabled ? 'on' : 'off'}`;
  },
});
