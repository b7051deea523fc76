// The contact a template preview renders for: the first contact of the journey's list when the server has one.
import type { ApiContact } from '../api/types.ts';

export interface SampleScope {
  contact: Record<string, unknown>;
  attributes: Record<string, unknown>;
  lastCall: Record<string, unknown>;
  results: Record<string, unknown>;
  agent: Record<string, unknown>;
}

/** Used until the server gives a real contact: values of the kind the example lists hold. */
export const builtInSample: SampleScope = {
  contact: {
    id: 'sample-contact',
    externalId: 'ACC-100001',
    firstName: 'Renée',
    lastName: 'Taylor',
    phone: '+14145550190',
    email: 'renee.taylor@example.com',
    timezone: 'America/Chicago',
    state: 'WI',
  },
  attributes: { balance: '461.13', due_date: '2026-02-25', days_overdue: '12' },
  lastCall: { disposition: 'promise-to-pay', outcome: 'connected' },
  results: {},
  agent: { name: 'Sam Lee' },
};

export function sampleFromContact(contact: ApiContact): SampleScope {
  const { attributes, consent: _consent, ...fields } = contact;
  return { ...builtInSample, contact: fields, attributes: attributes ?? {} };
}

/** The variables a template field can insert, grouped for the insert menu. */
export function variablesFor(sample: SampleScope, links: string[], withAgent: boolean): { group: string; items: { path: string; label: string }[] }[] {
  const contactLabels: Record<string, string> = {
    firstName: 'First name',
    lastName: 'Last name',
    phone: 'Phone number',
    email: 'Email address',
    externalId: 'Account or customer number',
    state: 'State or region',
    timezone: 'Time zone',
  };
  const groups = [
    {
      group: 'Contact',
      items: Object.keys(contactLabels).map((key) => ({ path: `contact.${key}`, label: contactLabels[key]! })),
    },
    {
      group: 'Imported columns',
      items: Object.keys(sample.attributes).map((key) => ({ path: `attributes.${key}`, label: key.replaceAll('_', ' ') })),
    },
    { group: 'Links of this step', items: links.map((name) => ({ path: `links.${name}`, label: `Link "${name}"` })) },
    { group: 'Last call', items: [{ path: 'lastCall.disposition', label: 'How the last call ended (disposition)' }] },
  ];
  if (withAgent) groups.push({ group: 'Agent', items: [{ path: 'agent.name', label: 'Agent’s name' }] });
  return groups.filter((g) => g.items.length > 0);
}
