// Link names are looked up in a plain object when a tracked link is followed: a name every object inherits would
// find something that is not a link.
import { describe, expect, it } from 'vitest';
import { validateJourney } from './validate.ts';

const at = { x: 0, y: 0 };

function journeyWithLinks(links: Record<string, string>, kind: 'sms' | 'email' = 'sms') {
  const config = kind === 'sms' ? { body: 'Hi', trackLinks: true, links } : { subject: 'Hi', text: 'Hi', trackLinks: true, links };
  return {
    schemaVersion: 1,
    id: 'reminder',
    name: 'Reminder',
    settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 0800 123 456' },
    nodes: {
      start: { type: 'start', position: at, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      gate: { type: 'compliance-gate', position: at, config: { channel: kind }, next: { allowed: 'message', blocked: 'done' } },
      message: { type: kind, position: at, config, next: { sent: 'done', failed: 'done' } },
      done: { type: 'end', position: at, config: { outcome: 'completed' } },
    },
  };
}

describe('link names', () => {
  for (const kind of ['sms', 'email'] as const) {
    it(`refuses "constructor" and "__proto__" as names of a ${kind} step's links, naming the step and the link`, () => {
      for (const name of ['constructor', '__proto__']) {
        // JSON.parse makes "__proto__" an own key, as a journey file read from disk or the API would have it.
        const input = JSON.parse(JSON.stringify(journeyWithLinks({ offer: 'https://example.com/a' }, kind)).replace('"offer"', JSON.stringify(name)));
        const result = validateJourney(input);
        const problem = result.problems.find((p) => p.severity === 'error' && p.nodeId === 'message');
        expect(problem, JSON.stringify(result.problems)).toBeDefined();
        expect(problem!.message).toContain(`"${name}"`);
        expect(problem!.message).toMatch(/link/i);
      }
    });
  }

  it('keeps ordinary names', () => {
    const result = validateJourney(journeyWithLinks({ offer: 'https://example.com/a', 'pay-now': 'https://example.com/b' }));
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});
