// The `webhook` step: calls another system over HTTP and can keep its JSON reply on the contact.
import { z } from 'zod';
import { dataRoots, template } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

export const webhook = defineNode({
  kind: 'webhook',
  label: 'Webhook',
  description: 'Calls another system (a CRM, a payment service) and can save its reply on the contact for later steps.',
  category: 'integration',
  icon: 'webhook',
  config: z
    .object({
      url: template(dataRoots)
        // Liquid tags may hold spaces ({{ contact.id }}); the address around them may not.
        .refine((url) => /^https?:\/\/\S+$/.test(url.replace(/\{\{.*?\}\}|\{%.*?%\}/g, 'x')), {
          error: 'must be a web address starting with https:// or http://, with no spaces outside {{ }}',
        })
        // The server called is fixed when the journey is published: a contact's data in the host could point the
        // call anywhere (another company, the network inside). Templates stay allowed in the path and the query.
        .refine((url) => !/[{]/.test(/^[a-z]+:\/\/([^/?#]*)/i.exec(url)?.[1] ?? ''), {
          error: 'must not have {{ }} or {% %} in its server name or port: write the server out, e.g. https://crm.example.com/contacts/{{ contact.id }}',
        })
        .meta({ title: 'Address', description: 'May include the contact’s details, such as {{ contact.id }}.', widget: 'url' }),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH'], { error: 'must be GET, POST, PUT or PATCH' }).default('POST').meta({ title: 'Method', widget: 'select' }),
      headers: z.record(z.string(), z.string()).optional().meta({ title: 'Headers', widget: 'key-values' }),
      body: template(dataRoots).optional().meta({ title: 'Body', description: 'Usually JSON, written with the contact’s details.', widget: 'template' }),
      timeoutMs: z
        .number({ error: 'must be a number of milliseconds' })
        .int({ error: 'must be a whole number of milliseconds' })
        .min(100, { error: 'must be at least 100 ms' })
        .max(30_000, { error: 'must be at most 30000 ms (30 seconds)' })
        .default(5000)
        .meta({ title: 'Give up after', unit: 'ms', widget: 'number' }),
      concurrency: z
        .number({ error: 'must be a number of requests' })
        .int({ error: 'must be a whole number of requests' })
        .min(1, { error: 'must be at least 1' })
        .max(100, { error: 'must be at most 100' })
        .default(4)
        .meta({ title: 'Requests at once', description: 'At most this many calls are open at the same time.', widget: 'number' }),
      ratePerSecond: z
        .number({ error: 'must be a number of requests a second' })
        .min(0.1, { error: 'must be at least 0.1 (one request every 10 seconds)' })
        .max(1000, { error: 'must be at most 1000' })
        .default(10)
        .meta({
          title: 'Requests a second',
          description: 'Calls start no faster than this, so that the other system is not flooded.',
          unit: '/s',
          widget: 'number',
        }),
      saveAs: z
        .string()
        .regex(/^[A-Za-z_]\w*$/, { error: 'must be a name of letters, digits and underscores, such as crmReply' })
        .optional()
        .meta({ title: 'Save the reply as', description: 'Later steps read it as attributes.<name>.', widget: 'text' }),
    })
    .strict()
    .refine((c) => c.body === undefined || c.method !== 'GET', { error: '{step} cannot send a body with GET; remove the body or use POST', path: ['body'] }),
  ports: ['ok', 'error'],
  portLabels: { ok: 'Succeeded', error: 'Failed' },
  savesAttribute: (c) => c.saveAs,
  summary: (c) => `${c.method} ${c.url.replace(/^https?:\/\//, '').slice(0, 40)}${c.saveAs ? ` → ${c.saveAs}` : ''}`,
});
