import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portsOf, type NodeKind } from './catalogue.ts';
import { formatJourney } from './format.ts';
import { isCanonical, parseJsonText } from './parse.ts';
import { validateJourney } from './validate.ts';

type Doc = Record<string, any>;

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** A small seeded generator, for shuffling keys the same way every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deep copy whose objects list their keys in another order; lists keep their order. */
function shuffleKeys<T>(value: T, seed: number): T {
  const next = random(seed);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    return Object.fromEntries(keys.map((k) => [k, walk((v as Record<string, unknown>)[k])]));
  };
  return walk(value) as T;
}

/** The keys of every object in `value`, in order, depth first: to show that an order really changed. */
function keyOrder(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(keyOrder).join(',')}]`;
  if (typeof value !== 'object' || value === null) return '';
  return `{${Object.entries(value)
    .map(([k, v]) => `${k}${keyOrder(v)}`)
    .join(',')}}`;
}

function parse(text: string): unknown {
  const parsed = parseJsonText(text);
  if ('problem' in parsed) throw new Error(parsed.problem.message);
  return parsed.value;
}

/** Lines only in `before` (removed) and only in `after` (added), by longest common subsequence. */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push(b[j++]!);
    } else {
      removed.push(a[i++]!);
    }
  }
  return { removed, added };
}

/** The lines of step `id` in canonical text, from its opening line to its closing brace. */
function nodeBlock(text: string, id: string): string[] {
  const lines = text.split('\n');
  const first = lines.indexOf(`    ${JSON.stringify(id)}: {`);
  if (first < 0) throw new Error(`no step ${id} in the text`);
  const last = lines.findIndex((l, i) => i > first && (l === '    }' || l === '    },'));
  return lines.slice(first, last + 1);
}

/**
 * Checks that `after` differs from `before` only by the lines of step `id`, the edge line that now points to it,
 * and a comma added after the closing brace of the step before it.
 */
function expectOnlyNodeAndEdgeChanged(before: string, after: string, id: string, edge: { from: string; to: string }): void {
  const block = nodeBlock(after, id);
  const { removed, added } = lineDiff(before, after);
  const edgeLine = (line: string) => line.trim().replace(/,$/, '');
  const allowedRemoved = (line: string) => line === '    }' || edgeLine(line) === edge.from;
  const allowedAdded = (line: string) => block.includes(line) || line === '    },' || edgeLine(line) === edge.to;
  const report = `removed:\n${removed.join('\n')}\nadded:\n${added.join('\n')}`;
  expect(
    removed.filter((l) => !allowedRemoved(l)),
    report,
  ).toEqual([]);
  expect(
    added.filter((l) => !allowedAdded(l)),
    report,
  ).toEqual([]);
  expect(removed.length, report).toBeLessThanOrEqual(2);
  expect(added.length, report).toBeLessThanOrEqual(block.length + 2);
  expect(
    added.filter((l) => edgeLine(l) === edge.to),
    report,
  ).toHaveLength(1);
}

// ---------------------------------------------------------------------------------------------------------------
// A journey written the way a person might: keys in any order, fractional positions, the start not called "start".

const callerId = '+12025550143';

function sample(): Doc {
  return {
    nodes: {
      done: { config: { outcome: 'completed' }, position: { y: 200.4, x: 719.6 }, type: 'end' },
      reminder: {
        next: { failed: 'done', sent: 'call-gate' },
        config: { trackLinks: false, body: 'Hi {{ contact.firstName }} — “quotes” \\ and\nnew lines' },
        type: 'sms',
        position: { x: 480, y: -0.2 },
      },
      welcome: { next: { out: 'sms-gate' }, type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'overdue' } }, label: 'Everyone overdue' },
      'sms-gate': {
        type: 'compliance-gate',
        label: 'Texting allowed now?',
        next: { blocked: 'done', allowed: 'reminder' },
        config: { outsideHours: 'defer', channel: 'sms' },
        position: { x: 240.5, y: 0 },
      },
      'call-gate': { type: 'compliance-gate', config: { channel: 'voice' }, position: { x: 720, y: 0 }, next: { blocked: 'done', allowed: 'call' } },
      call: {
        position: { x: 960, y: 0 },
        type: 'dialer',
        config: { callerId, ringSeconds: 25, amd: { onMachine: 'hangup', enabled: true }, queue: 'collections', mode: 'predictive' },
        next: { failed: 'done', abandoned: 'done', 'no-answer': 'done', machine: 'done', connected: 'done' },
      },
    },
    settings: { helpContact: 'call 0800 123 456', compliance: 'US', timezone: 'America/New_York' },
    name: 'Missed payment reminder',
    description: 'SMS first, then a call.',
    id: 'payment-reminder',
    schemaVersion: 1,
    $schema: '../schemas/journey.schema.json',
  };
}

describe('formatJourney', () => {
  const text = formatJourney(sample());

  it('is valid input for the validator (the fixture is a real journey)', () => {
    expect(validateJourney(sample()).problems).toEqual([]);
  });

  it('is deterministic', () => {
    expect(formatJourney(sample())).toBe(text);
    expect(formatJourney(structuredClone(sample()))).toBe(text);
  });

  it('is idempotent, and parse then format gives back the same bytes', () => {
    expect(formatJourney(parse(text))).toBe(text);
    expect(formatJourney(JSON.parse(text))).toBe(text);
    expect(isCanonical(text)).toBe(true);
    expect(isCanonical(JSON.stringify(sample(), null, 2))).toBe(false);
  });

  it('writes the settings in their fixed order, the optional help contact last', () => {
    const doc = sample() as { settings: Record<string, string> };
    doc.settings = { helpContact: 'call 0800 123 456', compliance: doc.settings.compliance!, timezone: doc.settings.timezone! };
    const written = JSON.parse(formatJourney(doc)) as { settings: Record<string, string> };
    expect(Object.keys(written.settings)).toEqual(['timezone', 'compliance', 'helpContact']);
    expect(validateJourney(doc).problems).toEqual([]);
    expect(validateJourney({ ...doc, settings: { ...doc.settings, helpContact: '  ' } }).problems).toEqual([
      expect.objectContaining({ severity: 'error', path: '/settings/helpContact' }),
    ]);
  });

  it('writes two-space indentation, no trailing spaces and one final newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    for (const line of text.split('\n')) {
      expect(line).not.toMatch(/\s$/);
      expect(line).not.toMatch(/\t/);
      expect(line.match(/^ */)![0].length % 2).toBe(0);
    }
  });

  it('puts keys in a fixed order whatever order the input had', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const shuffled = shuffleKeys(sample(), seed);
      expect(keyOrder(shuffled)).not.toBe(keyOrder(sample()));
      expect(formatJourney(shuffled)).toBe(text);
    }
    const doc = JSON.parse(text) as Doc;
    expect(Object.keys(doc)).toEqual(['$schema', 'schemaVersion', 'id', 'name', 'description', 'settings', 'nodes']);
    expect(Object.keys(doc.settings)).toEqual(['timezone', 'compliance', 'helpContact']);
    expect(Object.keys(doc.nodes.welcome)).toEqual(['type', 'label', 'position', 'config', 'next']);
    // Config keys in the order the kind declares them; exits in the order of the kind's ports.
    expect(Object.keys(doc.nodes.call.config)).toEqual(['mode', 'queue', 'amd', 'ringSeconds', 'callerId']);
    expect(Object.keys(doc.nodes.call.config.amd)).toEqual(['enabled', 'onMachine']);
    expect(Object.keys(doc.nodes.call.next)).toEqual(['connected', 'machine', 'no-answer', 'abandoned', 'failed']);
    expect(Object.keys(doc.nodes['sms-gate'].config)).toEqual(['channel', 'outsideHours']);
    expect(Object.keys(doc.nodes['sms-gate'].next)).toEqual(['allowed', 'blocked']);
    expect(Object.keys(doc.nodes.reminder.config)).toEqual(['body', 'trackLinks']);
  });

  it('puts keys it does not know after the known ones, sorted, and keeps them', () => {
    const doc = sample();
    doc.zeta = 1;
    doc.alpha = 2;
    doc.nodes.call.config.zebra = true;
    doc.nodes.call.config.aardvark = true;
    doc.nodes.call.colour = 'red';
    const out = JSON.parse(formatJourney(doc)) as Doc;
    expect(Object.keys(out)).toEqual(['$schema', 'schemaVersion', 'id', 'name', 'description', 'settings', 'nodes', 'alpha', 'zeta']);
    expect(Object.keys(out.nodes.call.config)).toEqual(['mode', 'queue', 'amd', 'ringSeconds', 'callerId', 'aardvark', 'zebra']);
    expect(Object.keys(out.nodes.call)).toEqual(['type', 'position', 'config', 'next', 'colour']);
  });

  it('puts the start step first, then every other step by id', () => {
    expect(Object.keys((JSON.parse(text) as Doc).nodes)).toEqual(['welcome', 'call', 'call-gate', 'done', 'reminder', 'sms-gate']);
  });

  it('rounds positions to whole pixels and writes each on one line', () => {
    expect(text).toContain('      "position": { "x": 720, "y": 200 },');
    expect(text).toContain('      "position": { "x": 480, "y": 0 },'); // -0.2 rounds to 0, not -0
    expect(text).toContain('      "position": { "x": 241, "y": 0 },');
  });

  it('keeps every value: only order, layout and position rounding change', () => {
    const rounded = sample();
    for (const node of Object.values(rounded.nodes) as Doc[]) {
      node.position = { x: Math.round(node.position.x) + 0, y: Math.round(node.position.y) + 0 };
    }
    expect(JSON.parse(text)).toEqual(rounded);
  });

  it('formats documents that are not valid journeys', () => {
    expect(formatJourney({ b: 1, a: [3, 'x'] })).toBe('{\n  "a": [\n    3,\n    "x"\n  ],\n  "b": 1\n}\n');
    expect(formatJourney([])).toBe('[]\n');
    expect(formatJourney(null)).toBe('null\n');
    expect(formatJourney({})).toBe('{}\n');
  });

  it('writes the same text whatever the key order, also in a file with mistakes (unknown kinds and keys)', () => {
    const broken = sample();
    broken.nodes.call.type = 'teleport';
    broken.nodes.call.colour = { shade: 'dark', name: 'red' };
    broken.extra = { b: 1, a: 2 };
    const expected = formatJourney(broken);
    for (const seed of [1, 2, 3, 4, 5]) expect(formatJourney(shuffleKeys(broken, seed))).toBe(expected);
    expect(expected).toContain('      "config": {\n        "amd": {\n          "enabled": true,');
  });

  it('moving a step changes one line', () => {
    const moved = sample();
    moved.nodes.reminder.position = { x: 500, y: 40 };
    const { removed, added } = lineDiff(text, formatJourney(moved));
    expect(removed).toEqual(['      "position": { "x": 480, "y": 0 },']);
    expect(added).toEqual(['      "position": { "x": 500, "y": 40 },']);
  });

  it('adding a step changes only its lines and the edge that leads to it', () => {
    const added = sample();
    added.nodes.later = { type: 'wait', position: { x: 600, y: 100 }, config: { duration: 'P1D' }, next: { out: 'call-gate' } };
    added.nodes.reminder.next.sent = 'later';
    const after = formatJourney(added);
    expectOnlyNodeAndEdgeChanged(text, after, 'later', { from: '"sent": "call-gate"', to: '"sent": "later"' });
    const { removed, added: addedLines } = lineDiff(text, after);
    expect(removed).toEqual(['        "sent": "call-gate",']);
    expect(addedLines.sort()).toEqual(
      [
        '        "sent": "later",',
        '    "later": {',
        '      "type": "wait",',
        '      "position": { "x": 600, "y": 100 },',
        '      "config": {',
        '        "duration": "P1D"',
        '      },',
        '      "next": {',
        '        "out": "call-gate"',
        '      }',
        '    },',
      ].sort(),
    );
  });

  it('adding a step that sorts last adds a comma to the step before it, and nothing else', () => {
    const added = sample();
    added.nodes['zz-thanks'] = { type: 'end', position: { x: 900, y: 300 }, config: { outcome: 'thanked' } };
    added.nodes['sms-gate'].next.blocked = 'zz-thanks';
    const after = formatJourney(added);
    expectOnlyNodeAndEdgeChanged(text, after, 'zz-thanks', { from: '"blocked": "done"', to: '"blocked": "zz-thanks"' });
    // Undo the three changes by hand and get the old text back, byte for byte.
    const lines = after.split('\n');
    const first = lines.indexOf('    "zz-thanks": {');
    expect(lines[first - 1]).toBe('    },');
    lines.splice(first, nodeBlock(after, 'zz-thanks').length);
    lines[first - 1] = '    }';
    expect(lines.join('\n').replace('"blocked": "zz-thanks"', '"blocked": "done"')).toBe(text);
  });

  it('formats every example in a way that reads back to the same bytes', () => {
    const files = readdirSync('examples').filter((f) => f.endsWith('.journey.json'));
    for (const file of files) {
      const canonical = formatJourney(parse(readFileSync(`examples/${file}`, 'utf8')));
      expect(formatJourney(parse(canonical)), file).toBe(canonical);
      expect(formatJourney(shuffleKeys(parse(canonical), 42)), file).toBe(canonical);
    }
  });
});

describe('formatJourney on unusual keys and shapes', () => {
  const journey = () => JSON.parse(formatJourney(sample())) as Doc;

  it('formats a config key named like a built-in of every object ("constructor", "toString")', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const doc = journey();
      doc.nodes.reminder.config[key] = { nested: [1] };
      let text = '';
      expect(() => (text = formatJourney(doc)), key).not.toThrow();
      expect((JSON.parse(text) as Doc).nodes.reminder.config[key], key).toEqual({ nested: [1] });
    }
  });

  it('keeps a key named "__proto__", as JSON.parse does, instead of dropping it', () => {
    const text = formatJourney(sample()).replace('"body": ', '"__proto__": { "a": 1 },\n        "body": ');
    const value = parse(text) as Doc;
    expect(Object.keys(value.nodes.reminder.config)).toContain('__proto__');
    expect(formatJourney(value)).toContain('"__proto__": {');
    const topLevel = parse('{ "__proto__": 5, "id": "x" }');
    expect(formatJourney(topLevel)).toBe('{\n  "id": "x",\n  "__proto__": 5\n}\n');
  });

  it('refuses deeply nested text with its line and column before anything recursive reads it', () => {
    const depth = 10_000;
    const text = formatJourney(sample()).replace('"trackLinks": false', `"trackLinks": ${'['.repeat(depth)}${']'.repeat(depth)}`);
    const parsed = parseJsonText(text);
    expect(parsed).toEqual({ problem: { severity: 'error', path: '', message: expect.stringMatching(/more than 100 levels deep at line \d+, column \d+/) } });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random valid journeys

const slugWord = fc.constantFrom('first', 'reminder', 'follow-up', 'x', 'zz', 'a1', 'call', 'offer', 'renewal', '0-day');
const safeText = fc
  .array(fc.constantFrom(...'abc XYZ 019 é日本"\\\n\t$.,!?-'.split(''), '🙂', '’'), { minLength: 0, maxLength: 20 })
  .map((chars) => chars.join(''));
const variable = fc.constantFrom(
  '{{ contact.firstName }}',
  '{{ contact.lastName | upcase }}',
  '{{ attributes.balance }}',
  '{% if attributes.vip %}VIP {% endif %}',
  '{{ lastCall.disposition }}',
);
/** A Liquid template that parses and reads only what a journey provides; never blank. */
const template = (extra: string[] = []) =>
  fc.array(fc.oneof(safeText, variable, ...(extra.length ? [fc.constantFrom(...extra)] : [])), { maxLength: 5 }).map((parts) => `Hello ${parts.join(' ')}`);
const duration = fc.constantFrom('PT30M', 'PT4H', 'P1D', 'P2D', 'P1W', 'P1DT12H');
const position = fc.record({
  x: fc.double({ min: -5000, max: 5000, noNaN: true }),
  y: fc.double({ min: -5000, max: 5000, noNaN: true }),
});
const link = fc.constantFrom('https://example.com/pay', 'http://example.org/a?b=c');
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean());

const conditionArb = fc
  .oneof(
    fc.record({ op: fc.constantFrom('equals', 'not-equals', 'contains'), value: scalar }),
    fc.record({ op: fc.constantFrom('in', 'not-in'), value: fc.array(scalar, { maxLength: 3 }) }),
    fc.record({ op: fc.constantFrom('greater-than', 'less-than'), value: fc.integer({ min: -100, max: 10_000 }) }),
    fc.record({ op: fc.constantFrom('exists', 'not-exists') }),
  )
  .chain((c) =>
    fc
      .constantFrom('contact.state', 'attributes.balance', 'attributes.plan.tier', 'lastCall.disposition', 'results.PREVIOUS.disposition')
      .map((field) => ({ field, ...c })),
  );

/** A valid config for each kind; `channel` of gates is set by the builder. */
const configs: Record<Exclude<NodeKind, 'start'>, fc.Arbitrary<Doc>> = {
  'compliance-gate': fc.record(
    {
      profile: fc.constantFrom('US', 'UK', 'AU', 'NZ'),
      checks: fc.subarray(['hours', 'holidays', 'dnc', 'consent', 'frequency'], { minLength: 1 }),
      outsideHours: fc.constantFrom('defer', 'block'),
    },
    { requiredKeys: [] },
  ),
  dialer: fc
    .record(
      {
        mode: fc.constantFrom('predictive', 'progressive', 'preview', 'agentless'),
        queue: fc.constantFrom('sales', 'collections'),
        script: template(),
        message: template(),
        amd: fc.record(
          {
            enabled: fc.boolean(),
            onMachine: fc.constantFrom('hangup', 'leave-message'),
            toFreeAgent: fc.boolean(),
            peopleMissedPercent: fc.integer({ min: 0, max: 500 }).map((n) => n / 10),
          },
          { requiredKeys: [] },
        ),
        ringSeconds: fc.integer({ min: 15, max: 120 }),
        maxAbandonRate: fc.integer({ min: 1, max: 30 }).map((n) => n / 10),
        callerId: fc.constantFrom(callerId, '+447700900123'),
      },
      { requiredKeys: ['callerId'] },
    )
    .map((c) => {
      if (c.mode !== 'agentless' && !c.queue) c.queue = 'sales';
      if ((c.mode === 'agentless' || c.amd?.onMachine === 'leave-message') && !c.message) c.message = 'Hello, this is a reminder.';
      // A detector whose mistakes alone reach the step's limit gets a warning: random journeys stay under it.
      const limit = c.maxAbandonRate ?? 3;
      if ((c.amd?.peopleMissedPercent ?? 2) >= limit) c.amd = { ...c.amd, peopleMissedPercent: limit / 2 };
      return c;
    }),
  sms: fc
    .record(
      {
        body: template(['{{ links.pay }}']),
        from: fc.constantFrom('+14155550100', 'ACME'),
        links: fc.record({ pay: link }),
        trackLinks: fc.boolean(),
      },
      { requiredKeys: ['body'] },
    )
    .map((c) => (c.body.includes('links.pay') && !c.links ? { ...c, links: { pay: 'https://example.com/pay' } } : c)),
  email: fc
    .record(
      {
        subject: template(),
        text: template(['{{ links.renew }}']),
        html: template(['<p>{{ links.renew }}</p>']),
        from: fc.constantFrom('billing@example.com'),
        replyTo: fc.constantFrom('help@example.com'),
        links: fc.record({ renew: link }),
        trackOpens: fc.boolean(),
        trackLinks: fc.boolean(),
      },
      { requiredKeys: ['subject'] },
    )
    .map((c) => {
      const out = c.text === undefined && c.html === undefined ? { ...c, text: 'Hello' } : c;
      return `${out.text ?? ''}${out.html ?? ''}`.includes('links.renew') && !out.links ? { ...out, links: { renew: 'https://example.com/renew' } } : out;
    }),
  wait: fc.oneof(
    duration.map((d) => ({ duration: d })),
    fc
      .record(
        {
          time: fc
            .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
            .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
          timezone: fc.constantFrom('contact', 'Europe/London', 'America/Chicago'),
          days: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { minLength: 1 }),
        },
        { requiredKeys: ['time'] },
      )
      .map((until) => ({ until })),
  ),
  'wait-for-event': fc.oneof(
    fc.record({ event: fc.constantFrom('sms.replied', 'email.opened'), timeout: duration }, { requiredKeys: [] }),
    fc.record({ event: fc.constant('link.clicked'), link: fc.constantFrom('pay', 'renew'), timeout: duration }, { requiredKeys: [] }),
  ),
  branch: fc
    .uniqueArray(fc.constantFrom('vip', 'east', 'west', 'late', 'paid', 'new-customer'), { minLength: 1, maxLength: 3 })
    .chain((ports) =>
      fc.tuple(
        ...ports.map((port) =>
          fc.record(
            {
              port: fc.constant(port),
              label: fc.string({ minLength: 1, maxLength: 20 }),
              match: fc.constantFrom('all', 'any'),
              conditions: fc.array(conditionArb, { minLength: 1, maxLength: 2 }),
            },
            { requiredKeys: ['port', 'conditions'] },
          ),
        ),
      ),
    )
    .map((rules) => ({ rules })),
  split: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 }).chain((cuts) => {
    const points = [0, ...[...cuts].sort((a, b) => a - b), 100];
    const percents = points.slice(1).map((p, i) => p - points[i]!);
    return fc
      .shuffledSubarray(['a', 'b', 'c', 'd', 'control', 'test'], { minLength: percents.length, maxLength: percents.length })
      .map((ports) => ({ branches: percents.map((percent, i) => ({ port: ports[i]!, percent })) }));
  }),
  webhook: fc
    .record(
      {
        url: fc.constantFrom('https://crm.example.com/hook', 'https://crm.example.com/contacts/{{ contact.id }}', 'http://10.0.0.1:8080/x'),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH'),
        headers: fc.dictionary(fc.constantFrom('Authorization', 'X-Trace'), fc.string({ maxLength: 10 })),
        body: fc.constantFrom('{"id": "{{ contact.id }}"}', 'plain'),
        timeoutMs: fc.integer({ min: 100, max: 30_000 }),
        saveAs: fc.constantFrom('crmReply', 'score'),
      },
      { requiredKeys: ['url'] },
    )
    .map((c) => (c.method === 'GET' ? (({ body: _, ...rest }) => rest)(c) : c)),
  end: fc.record({ outcome: slugWord }, { requiredKeys: [] }),
};

const channelOf: Partial<Record<NodeKind, string>> = { dialer: 'voice', sms: 'sms', email: 'email' };
const waitKinds = new Set<string>(['wait', 'wait-for-event']);

const stepArb = fc.constantFrom(...(Object.keys(configs) as (keyof typeof configs)[])).chain((kind) =>
  fc.record({
    kind: fc.constant(kind),
    config: configs[kind],
    gate: configs['compliance-gate'],
    name: slugWord,
    label: fc.option(fc.string({ minLength: 1, maxLength: 80 }), { nil: undefined }),
    position,
    attach: fc.nat(),
    /** For waits: where their exit leads back to, making a loop that has a wait in it. */
    loopBack: fc.option(fc.nat(), { nil: undefined }),
    sharedEnd: fc.boolean(),
  }),
);

const journeyPlan = fc.record({
  id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/),
  name: fc.string({ minLength: 1, maxLength: 120 }),
  description: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
  schema: fc.boolean(),
  settings: fc.record({
    timezone: fc.constantFrom('America/New_York', 'Europe/London', 'Australia/Sydney', 'Pacific/Auckland', 'UTC'),
    compliance: fc.constantFrom('US', 'UK', 'AU', 'NZ'),
    helpContact: fc.constantFrom('call 0800 123 456', 'email help@acme.example'),
  }),
  startId: fc.constantFrom('start', 'entry', 'zz-begin', 'a-start'),
  audience: fc.oneof(fc.record({ list: fc.constantFrom('people', 'overdue.accounts') }), fc.record({ event: fc.constantFrom('signed-up') })),
  window: fc.boolean(),
  startPosition: position,
  steps: fc.array(stepArb, { maxLength: 14 }),
});

/**
 * Builds a journey with no problem at all from a plan: every step hangs off an exit that was still free, channel
 * steps get a gate for their channel in front, only waits lead back (so every loop has a wait), every exit is used.
 */
function buildJourney(plan: typeof journeyPlan extends fc.Arbitrary<infer P> ? P : never): Doc {
  const nodes: Record<string, Doc> = {};
  const free: { id: string; port: string }[] = [];
  const loopTargets: string[] = [];
  let counter = 0;
  const add = (id: string, node: Doc) => {
    nodes[id] = { ...node, next: {} };
    return nodes[id]!;
  };

  add(plan.startId, {
    type: 'start',
    position: plan.startPosition,
    config: { audience: plan.audience, ...(plan.window && { startAt: '2026-01-01T09:00:00Z', endAt: '2026-12-31T17:00:00-05:00' }) },
  });
  free.push({ id: plan.startId, port: 'out' });

  for (const step of plan.steps) {
    if (!free.length) break;
    const [exit] = free.splice(step.attach % free.length, 1);
    const id = `${step.name}-${++counter}`;
    let config = step.config;
    if (step.kind === 'branch') {
      const earlier = Object.keys(nodes);
      const rules = (config.rules as Doc[]).map((rule) => ({
        ...rule,
        conditions: (rule.conditions as Doc[]).map((c) => ({ ...c, field: String(c.field).replace('PREVIOUS', earlier[counter % earlier.length]!) })),
      }));
      config = { rules };
    }
    if (step.kind === 'compliance-gate') config = { channel: ['voice', 'sms', 'email'][counter % 3], ...config };

    const channel = channelOf[step.kind];
    let entry = id;
    if (channel) {
      entry = `gate-${++counter}`;
      add(entry, { type: 'compliance-gate', position: step.position, config: { channel, ...step.gate } }).next.allowed = id;
      free.push({ id: entry, port: 'blocked' });
      loopTargets.push(entry);
    }
    nodes[exit!.id]!.next[exit!.port] = entry;
    const node = add(id, { type: step.kind, ...(step.label !== undefined && { label: step.label }), position: step.position, config });

    const ports = portsOf(step.kind, config);
    for (const port of ports) {
      if (waitKinds.has(step.kind) && step.loopBack !== undefined && loopTargets.length && port === ports[ports.length - 1]) {
        node.next[port] = loopTargets[step.loopBack % loopTargets.length];
      } else {
        free.push({ id, port });
      }
    }
    if (!channel) loopTargets.push(id);
  }

  // Every exit still free ends the journey, at a shared end step or at one of its own.
  for (const [i, exit] of free.entries()) {
    const shared = plan.steps[i % Math.max(1, plan.steps.length)]?.sharedEnd ?? true;
    const target = shared ? 'done' : `end-${++counter}`;
    if (!nodes[target]) add(target, { type: 'end', position: { x: i, y: i }, config: {} });
    nodes[exit.id]!.next[exit.port] = target;
  }

  // A wait for a click names a link only when some message has a link of that name.
  const declared = new Set(Object.values(nodes).flatMap((n) => Object.keys((n.config as Doc | undefined)?.links ?? {})));
  for (const node of Object.values(nodes)) {
    if (node.type === 'wait-for-event' && node.config.link && !declared.has(node.config.link)) delete node.config.link;
  }

  return {
    ...(plan.schema && { $schema: '../schemas/journey.schema.json' }),
    schemaVersion: 1,
    id: plan.id,
    name: plan.name,
    ...(plan.description !== undefined && { description: plan.description }),
    settings: plan.settings,
    nodes,
  };
}

const validJourney = journeyPlan.map(buildJourney);

describe('random valid journeys', () => {
  const runs = { numRuns: 250 };

  it('have no problem at all', () => {
    fc.assert(
      fc.property(validJourney, (journey) => {
        const { problems } = validateJourney(journey);
        expect(problems.map((p) => `${p.severity} ${p.path}: ${p.message}`)).toEqual([]);
      }),
      runs,
    );
  });

  it('format idempotently: format(parse(format(x))) is format(x), and it stays valid', () => {
    fc.assert(
      fc.property(validJourney, (journey) => {
        const text = formatJourney(journey);
        const reread = parse(text);
        expect(formatJourney(reread)).toBe(text);
        expect(isCanonical(text)).toBe(true);
        expect(validateJourney(reread).problems).toEqual([]);
      }),
      runs,
    );
  });

  it('format the same whatever the order of their keys', () => {
    fc.assert(
      fc.property(validJourney, fc.integer(), (journey, seed) => {
        expect(formatJourney(shuffleKeys(journey, seed))).toBe(formatJourney(journey));
      }),
      runs,
    );
  });

  it('keep every value through formatting, positions rounded', () => {
    fc.assert(
      fc.property(validJourney, (journey) => {
        const expected = structuredClone(journey);
        for (const node of Object.values(expected.nodes) as Doc[]) {
          node.position = { x: Math.round(node.position.x) + 0, y: Math.round(node.position.y) + 0 };
        }
        expect(JSON.parse(formatJourney(journey))).toEqual(expected);
      }),
      runs,
    );
  });

  it('change only the new step and the edge to it when a step is added', () => {
    fc.assert(
      fc.property(validJourney, slugWord, fc.nat(), (journey, word, pick) => {
        const before = formatJourney(journey);
        const id = `${word}-new`;
        const edges = Object.entries(journey.nodes as Record<string, Doc>).flatMap(([from, n]) =>
          Object.entries(n.next as Record<string, string>).map(([port, to]) => ({ from, port, to })),
        );
        const edge = edges[pick % edges.length]!;
        const changed = structuredClone(journey);
        changed.nodes[id] = { type: 'end', position: { x: 1, y: 2 }, config: { outcome: 'new' } };
        changed.nodes[edge.from].next[edge.port] = id;
        expectOnlyNodeAndEdgeChanged(before, formatJourney(changed), id, {
          from: `${JSON.stringify(edge.port)}: ${JSON.stringify(edge.to)}`,
          to: `${JSON.stringify(edge.port)}: ${JSON.stringify(id)}`,
        });
      }),
      runs,
    );
  });
});
