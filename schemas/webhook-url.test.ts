// A webhook step's server is fixed when the journey is published: a contact's data may fill in the path or the query,
// never the host, where it could point the call anywhere.
import { describe, expect, it } from 'vitest';
import { validateJourney } from './validate.ts';

const at = { x: 0, y: 0 };

function withWebhook(url: string, extra: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    id: 'sync',
    name: 'Sync',
    settings: { timezone: 'America/New_York', compliance: 'US' },
    nodes: {
      start: { type: 'start', position: at, config: { audience: { list: 'people' } }, next: { out: 'hook' } },
      hook: { type: 'webhook', position: at, config: { url, ...extra }, next: { ok: 'done', error: 'done' } },
      done: { type: 'end', position: at, config: { outcome: 'completed' } },
    },
  };
}

const errors = (doc: unknown) => validateJourney(doc).problems.filter((p) => p.severity === 'error');

describe("a webhook step's address", () => {
  it('refuses a template in the server name or port, naming the step and the field', () => {
    for (const url of [
      'http://{{ attributes.host }}/contacts',
      'https://{{ attributes.host }}',
      'https://crm.example.com:{{ attributes.port }}/x',
      'https://crm.example.com{{ attributes.path }}',
      'https://{% if contact.state == "TX" %}tx{% endif %}.example.com/x',
    ]) {
      const found = errors(withWebhook(url));
      expect(found, url).toHaveLength(1);
      expect(found[0]).toMatchObject({ nodeId: 'hook', path: '/nodes/hook/config/url' });
      expect(found[0]!.message).toMatch(/Address.*must not have \{\{ \}\} or \{% %\} in its server name or port/);
    }
  });

  it('keeps templates in the path and the query', () => {
    expect(errors(withWebhook('https://crm.example.com/contacts/{{ contact.id }}?state={{ contact.state }}'))).toEqual([]);
  });

  it('has limits a CRM survives unless the step sets its own, within bounds', () => {
    const parsed = validateJourney(withWebhook('https://crm.example.com/x'));
    expect(parsed.journey!.nodes.hook!.config).toMatchObject({ concurrency: 4, ratePerSecond: 10 });
    expect(errors(withWebhook('https://crm.example.com/x', { concurrency: 0 }))[0]!.message).toMatch(/at least 1/);
    expect(errors(withWebhook('https://crm.example.com/x', { ratePerSecond: 5000 }))[0]!.message).toMatch(/at most 1000/);
  });
});
