// The event vocabulary: every event the runtime records, in the CloudEvents 1.0 JSON envelope.
import { z } from 'zod';

export const eventTypes = [
  'contact.entered',
  'node.entered',
  'node.exited',
  'sms.sent',
  'sms.delivered',
  'sms.failed',
  'sms.replied',
  'email.sent',
  'email.delivered',
  'email.bounced',
  'email.opened',
  'email.unsubscribed',
  'email.complained',
  'link.clicked',
  'call.placed',
  'call.ringing',
  'call.answered',
  'call.customerGreetingStart',
  'call.customerGreetingStop',
  'call.amd',
  'call.connectedToAgent',
  'call.abandoned',
  'call.ended',
  'call.dispositioned',
  'webhook.called',
  'compliance.blocked',
  'compliance.refused',
  'compliance.deferred',
  'contact.optedOut',
  'contact.optedIn',
  'contact.completed',
  'contact.released',
  'run.started',
  'run.paused',
  'run.resumed',
  'run.stopped',
  'run.completed',
] as const;

export type EventType = (typeof eventTypes)[number];

/** Events from outside (the contact's reaction) that a `wait-for-event` step can wait for. */
export const inboundEventTypes = ['link.clicked', 'sms.replied', 'email.opened'] as const;
export type InboundEventType = (typeof inboundEventTypes)[number];

/**
 * What a run may be told from outside: the reactions a step can wait for, and the opt-outs an email service reports
 * (an unsubscribe, a spam complaint from a feedback loop), which put the address on the list for every journey.
 */
export const reportedEventTypes = [...inboundEventTypes, 'email.unsubscribed', 'email.complained'] as const;

export const cloudEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().regex(/^\/runs\/[^/]+$/),
  type: z.enum(eventTypes),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().optional(),
  datacontenttype: z.literal('application/json').optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});

export type CloudEvent = z.infer<typeof cloudEvent>;
