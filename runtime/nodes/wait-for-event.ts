// `wait-for-event`: holds the contact until they react (click, reply, open) or the timeout passes.
import { DateTime, Duration } from 'luxon';
import type { NodeHandler } from './types.ts';

export const waitForEvent: NodeHandler<'wait-for-event'> = {
  eventPort: 'event',
  // Days are counted on the journey's calendar, so a P1D wait is the same on every server whatever its time zone.
  enter: ({ node, journey, now }) => ({
    type: 'wait',
    until: DateTime.fromMillis(now, { zone: journey.settings.timezone }).plus(Duration.fromISO(node.config.timeout)).toMillis(),
    event: { type: node.config.event, ...(node.config.link && { link: node.config.link }) },
  }),
};
