// The `wait-for-event` step: holds the contact until they click, reply or open, or until a timeout.
import { z } from 'zod';
import { inboundEventTypes } from '../events.ts';
import { isoDuration, slug } from '../fields.ts';
import { defineNode } from '../node-definition.ts';
import { describeDuration } from './wait.ts';

const eventLabels: Record<(typeof inboundEventTypes)[number], string> = {
  'link.clicked': 'clicks a link',
  'sms.replied': 'replies to a text',
  'email.opened': 'opens an email',
};

export const waitForEvent = defineNode({
  kind: 'wait-for-event',
  label: 'Wait for a reaction',
  description: 'Holds the contact until they click a link, reply to a text or open an email; if nothing happens in time, they go on by "Timed out".',
  category: 'timing',
  icon: 'hourglass',
  config: z
    .object({
      event: z
        .enum(inboundEventTypes, { error: `must be one of ${inboundEventTypes.join(', ')}` })
        .default('link.clicked')
        .meta({ title: 'Wait until the contact', widget: 'event-type', optionLabels: eventLabels }),
      link: slug().optional().meta({ title: 'Which link', description: 'Leave empty for any link.', widget: 'text' }),
      timeout: isoDuration().default('P2D').meta({ title: 'Give up after', widget: 'duration' }),
    })
    .strict()
    .refine((c) => c.link === undefined || c.event === 'link.clicked', {
      error: 'can only name a link when waiting for a click',
      path: ['link'],
    }),
  ports: ['event', 'timeout'],
  portLabels: { event: 'Reacted', timeout: 'Timed out' },
  pauses: true,
  timerPort: 'timeout',
  awaitsLink: (c) => c.link,
  summary: (c) => `Until the contact ${eventLabels[c.event]}${c.link ? ` (${c.link})` : ''}, at most ${describeDuration(c.timeout)}`,
});
