// The `email` step: sends an email rendered for the contact.
import { z } from 'zod';
import { messageRoots, template } from '../fields.ts';
import { defineNode } from '../node-definition.ts';
import { checkLinksDeclared, linksField } from './links.ts';

export const email = defineNode({
  kind: 'email',
  label: 'Email',
  description: 'Sends an email with a subject and a message written with the contact’s details. Opens and link clicks can be tracked.',
  category: 'channel',
  icon: 'mail',
  channel: 'email',
  config: z
    .object({
      subject: template(messageRoots)
        .check(z.minLength(1, { error: '{step} has no subject' }))
        .meta({ title: 'Subject', widget: 'template' }),
      text: template(messageRoots).optional().meta({ title: 'Message (plain text)', widget: 'template' }),
      html: template(messageRoots).optional().meta({ title: 'Message (HTML)', widget: 'template' }),
      from: z.email({ error: 'must be an email address' }).optional().meta({ title: 'Sender', widget: 'text' }),
      replyTo: z.email({ error: 'must be an email address' }).optional().meta({ title: 'Reply to', widget: 'text' }),
      links: linksField(),
      trackOpens: z.boolean({ error: 'must be true or false' }).default(true).meta({ title: 'Track opens', widget: 'boolean' }),
      trackLinks: z.boolean({ error: 'must be true or false' }).default(true).meta({ title: 'Track link clicks', widget: 'boolean' }),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (!c.text?.trim() && !c.html?.trim()) {
        ctx.addIssue({ code: 'custom', path: ['text'], message: '{step} has no message: write a plain-text or HTML message' });
      }
      checkLinksDeclared({ subject: c.subject, text: c.text, html: c.html }, c.links, ctx);
    }),
  ports: ['sent', 'failed'],
  portLabels: { sent: 'Sent', failed: 'Failed' },
  declaresLinks: (c) => Object.keys(c.links ?? {}),
  summary: (c) => `Email: ${c.subject}`,
});
