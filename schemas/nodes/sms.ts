// The `sms` step: sends a text message rendered for the contact.
import { z } from 'zod';
import { messageRoots, template } from '../fields.ts';
import { defineNode } from '../node-definition.ts';
import { checkLinksDeclared, linksField } from './links.ts';

export const sms = defineNode({
  kind: 'sms',
  label: 'SMS',
  description: 'Sends a text message. Write it with the contact’s details, such as {{ contact.firstName }}, and links to track clicks.',
  category: 'channel',
  icon: 'message-square',
  channel: 'sms',
  config: z
    .object({
      body: template(messageRoots)
        .check(z.minLength(1, { error: '{step} has no text' }))
        .meta({ title: 'Message', widget: 'template' }),
      from: z
        .string()
        .regex(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, {
          error: 'must be a phone number in international format or a sender name of at most 11 letters and digits',
        })
        .optional()
        .meta({ title: 'Sender', description: 'Leave empty to use the account’s default number.', widget: 'text' }),
      links: linksField(),
      trackLinks: z.boolean({ error: 'must be true or false' }).default(true).meta({ title: 'Track link clicks', widget: 'boolean' }),
    })
    .strict()
    .superRefine((c, ctx) => checkLinksDeclared({ body: c.body }, c.links, ctx)),
  ports: ['sent', 'failed'],
  portLabels: { sent: 'Sent', failed: 'Failed' },
  declaresLinks: (c) => Object.keys(c.links ?? {}),
  summary: (c) => `SMS: ${c.body.length > 40 ? `${c.body.slice(0, 40).trimEnd()}…` : c.body}`,
});
