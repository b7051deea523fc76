// Fuzzes reading and formatting journey files: damaged journeys must give plain problems, never an exception.
// Usage: npm run fuzz:validate -- [--count N] [--seed S] [--from I]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatJourney } from '../schemas/format.ts';
import { loadJourney } from '../schemas/parse.ts';
import { jsonPointer, type Problem } from '../schemas/problems.ts';
import { validateJourney } from '../schemas/validate.ts';

export interface FuzzOptions {
  /** How many mutated journeys to check (default 10,000). */
  count?: number;
  /** Seed of the random generator; the same seed gives the same mutations (default 1). */
  seed?: number;
  /** First iteration to run, to replay one failure: `--seed S --from I --count 1`. */
  from?: number;
  /** Journey texts to mutate; by default the valid examples/*.journey.json, else journeys built here. */
  bases?: string[];
  /** Also run `journey validate` and `journey fmt` in-process on every n-th input (default 32; 0 turns it off). */
  cliEvery?: number;
  /** Format the formatted text again and validate it, expecting the same text and problems, on every n-th input (default 8; 0 turns it off). */
  recheckEvery?: number;
}

export interface FuzzFailure {
  iteration: number;
  seed: number;
  mutations: string[];
  /** What broke: which call threw, or which rule a problem or the formatter's output broke. */
  failure: string;
  input: string;
}

export interface FuzzSummary {
  seed: number;
  mutations: number;
  crashes: number;
  problemsSeen: number;
  seconds: number;
  /** The first crashes, with their inputs; `crashes` counts them all. */
  failures: FuzzFailure[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness: one small generator per iteration, so that any iteration can be replayed on its own.

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** One of the keys, chosen in proportion to its weight. */
  weighted(weights: Record<string, number>): string {
    const entries = Object.entries(weights);
    let left = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) {
      left -= w;
      if (left < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

function iterationSeed(seed: number, iteration: number): number {
  let h = (seed ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The journeys to damage.

function exampleTexts(): string[] {
  const dir = fileURLToPath(new URL('../examples/', import.meta.url));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.journey.json'))
    .sort()
    .map((f) => readFileSync(resolve(dir, f), 'utf8'))
    .filter((text) => {
      const loaded = loadJourney(text);
      return loaded.journey !== undefined;
    });
}

const at = (x: number, y: number) => ({ x, y });

/** Used when there are no examples yet: small journeys that between them use every kind of step. */
export function builtInJourneys(): Json[] {
  const settings = { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 0800 123 456' };
  return [
    {
      $schema: '../schemas/journey.schema.json',
      schemaVersion: 1,
      id: 'payment-reminder',
      name: 'Missed payment reminder',
      description: 'SMS first, then a call after two days.',
      settings,
      nodes: {
        start: { type: 'start', position: at(0, 0), config: { audience: { list: 'overdue' } }, next: { out: 'sms-gate' } },
        'sms-gate': {
          type: 'compliance-gate',
          label: 'Texting allowed now?',
          position: at(200, 0),
          config: { channel: 'sms', outsideHours: 'defer' },
          next: { allowed: 'reminder', blocked: 'call-gate' },
        },
        reminder: {
          type: 'sms',
          position: at(400, 0),
          config: { body: 'Hi {{ contact.firstName }}, tap {{ links.callback }}', links: { callback: 'https://example.com/cb' } },
          next: { sent: 'wait-click', failed: 'call-gate' },
        },
        'wait-click': {
          type: 'wait-for-event',
          position: at(600, 0),
          config: { event: 'link.clicked', link: 'callback', timeout: 'P2D' },
          next: { event: 'call-gate', timeout: 'pause' },
        },
        pause: { type: 'wait', position: at(800, 0), config: { duration: 'P1D' }, next: { out: 'call-gate' } },
        'call-gate': { type: 'compliance-gate', position: at(1000, 0), config: { channel: 'voice' }, next: { allowed: 'call', blocked: 'done' } },
        call: {
          type: 'dialer',
          position: at(1200, 0),
          config: { mode: 'predictive', queue: 'collections', callerId: '+12025550143', script: 'Balance {{ attributes.balance }}' },
          next: { connected: 'outcome', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
        },
        outcome: {
          type: 'branch',
          position: at(1400, 0),
          config: { rules: [{ port: 'paid', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'paid' }] }] },
          next: { paid: 'paid', else: 'done' },
        },
        paid: { type: 'end', position: at(1600, 0), config: { outcome: 'paid' } },
        done: { type: 'end', position: at(1600, 200), config: { outcome: 'completed' } },
      },
    },
    {
      schemaVersion: 1,
      id: 'renewal',
      name: 'Renewal',
      settings: { timezone: 'Europe/London', compliance: 'UK' },
      nodes: {
        entry: { type: 'start', position: at(0, 0), config: { audience: { event: 'renewal.due' } }, next: { out: 'ab' } },
        ab: {
          type: 'split',
          position: at(200, 0),
          config: {
            branches: [
              { port: 'a', percent: 30 },
              { port: 'b', percent: 70 },
            ],
          },
          next: { a: 'crm', b: 'email-gate' },
        },
        crm: {
          type: 'webhook',
          position: at(400, 0),
          config: { url: 'https://crm.example.com/{{ contact.id }}', method: 'POST', body: '{"id": "{{ contact.id }}"}', saveAs: 'crm' },
          next: { ok: 'email-gate', error: 'email-gate' },
        },
        'email-gate': { type: 'compliance-gate', position: at(600, 0), config: { channel: 'email' }, next: { allowed: 'mail', blocked: 'over' } },
        mail: {
          type: 'email',
          position: at(800, 0),
          config: { subject: 'Your renewal', text: 'Dear {{ contact.firstName }}', html: '<p>Dear {{ contact.firstName }}</p>' },
          next: { sent: 'later', failed: 'over' },
        },
        later: { type: 'wait', position: at(1000, 0), config: { until: { time: '09:00', days: ['mon', 'tue'] } }, next: { out: 'over' } },
        over: { type: 'end', position: at(1200, 0) },
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Damage.

const kinds = ['start', 'compliance-gate', 'dialer', 'sms', 'email', 'wait', 'wait-for-event', 'branch', 'split', 'webhook', 'end'];
const specialKeys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', ''];
const templateFields = ['body', 'subject', 'text', 'html', 'script', 'message', 'url'];
const liquidSnippets = [
  '{{',
  '}}',
  '{{ contact.firstName',
  '{{ contact.firstName | nosuchfilter }}',
  '{{ customer.name }}',
  '{{ links.nowhere }}',
  '{{ links }}',
  '{{ links["a b"] }}',
  '{{ contact["first"] }}',
  '{% if contact.vip %}VIP',
  '{% endif %}',
  '{% for x in contact.items %}{{ x }}{% endfor %}',
  '{% raw %}{{ not parsed }}{% endraw %}',
  '{% raw %}',
  '{% comment %}',
  '{% assign x = 1 %}{{ x }}',
  '{% include "file" %}',
  '{% render "x" %}',
  '{{ "a" | append: contact.firstName | upcase }}',
  '{{ 1 | plus: }}',
  '{%- liquid\n echo contact.firstName\n-%}',
  '{{ contact.firstName }}\n{{ \n',
  '{%',
  '{% %}',
  '{{}}',
  '{{ - }}',
  '{% case x %}{% when 1 %}{% endcase %}',
];
const oddStrings = [
  '',
  ' ',
  'a',
  'start',
  'done',
  'missing-step',
  'Not A Slug',
  'x'.repeat(5000),
  'é日本🙂',
  '\u0000',
  '\ud800',
  '\u2028\u2029',
  '"\'\\',
  '\t\n\r',
  'P2D',
  '2 days',
  'P',
  'PT0S',
  '09:00',
  '25:99',
  'https://example.com/x',
  'javascript:alert(1)',
  '+12025550143',
  'Mars/Olympus_Mons',
  'America/New_York',
  'link.clicked',
  'GET',
  'agentless',
  'leave-message',
  'results.nowhere.disposition',
  ...specialKeys,
];
const hugeNumbers = [1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, Number.MIN_VALUE, -0, 0.1 + 0.2, 1e21, 2 ** 53, -1, 0, 14.999, 15, 101];
/** Numbers that JSON text can hold and a JS number cannot; written into the text in place of a marker. */
const textNumbers = ['1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-0.0', '0e0', '1E+2'];

const MARK = '\u0001fuzz:';
const marker = (kind: string, arg: string | number) => `${MARK}${kind}:${arg}\u0001`;

function setKey(target: JsonObject, key: string, value: Json): void {
  // A plain assignment to "__proto__" would change the prototype; JSON.parse makes it an ordinary key, so do the same.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Slot {
  parent: JsonObject | Json[];
  key: string | number;
  value: Json;
}

/** Every place in the document that holds a value. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (value: Json) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        out.push({ parent: value, key: i, value: v });
        walk(v);
      });
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        out.push({ parent: value, key, value: value[key]! });
        walk(value[key]!);
      }
    }
  };
  walk(root);
  return out;
}

function put(slot: Slot, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setKey(slot.parent, slot.key as string, value);
}

function randomString(rng: Rng, ids: string[]): string {
  switch (rng.int(5)) {
    case 0:
      return rng.pick(oddStrings);
    case 1:
      return rng.pick(liquidSnippets);
    case 2:
      return ids.length ? rng.pick(ids) : 'start';
    case 3: {
      const alphabet = 'abcxyz-_09 .{}%|"\\/é🙂\n';
      return Array.from({ length: rng.int(24) }, () => rng.pick([...alphabet])).join('');
    }
    default:
      return rng.pick(kinds);
  }
}

function randomValue(rng: Rng, ids: string[], depth = 0): Json {
  const choice = rng.int(depth > 2 ? 6 : 9);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(hugeNumbers);
    case 3:
      return rng.int(200) - 50;
    case 4:
      return rng.next() * 1000 - 500;
    case 5:
      return randomString(rng, ids);
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomValue(rng, ids, depth + 1));
    case 7: {
      const obj: JsonObject = {};
      for (let i = rng.int(4); i > 0; i--) setKey(obj, randomString(rng, ids), randomValue(rng, ids, depth + 1));
      return obj;
    }
    default:
      return marker(rng.pick(['number', 'deep']), rng.int(1000));
  }
}

/** A value of another type than `value`, made from it where that is natural. */
function otherType(rng: Rng, value: Json, ids: string[]): Json {
  if (typeof value === 'string') return rng.pick<Json>([Number(value) || 42, [value], { value }, null, true]);
  if (typeof value === 'number') return rng.pick<Json>([String(value), [value], null, false, {}]);
  if (typeof value === 'boolean') return rng.pick<Json>([String(value), value ? 1 : 0, null]);
  if (value === null) return rng.pick<Json>(['null', 0, {}, []]);
  if (Array.isArray(value)) return rng.pick<Json>([Object.fromEntries(value.map((v, i) => [String(i), v])), value.length, JSON.stringify(value), null]);
  return rng.pick<Json>([Object.values(value), Object.keys(value).join(','), 1, null, randomValue(rng, ids)]);
}

function nodesOf(doc: Json): JsonObject | undefined {
  return isObject(doc) && isObject(doc.nodes) ? doc.nodes : undefined;
}

function pickNode(rng: Rng, doc: Json): { id: string; node: JsonObject } | undefined {
  const nodes = nodesOf(doc);
  if (!nodes) return undefined;
  const ids = Object.keys(nodes).filter((id) => isObject(nodes[id]));
  if (!ids.length) return undefined;
  const id = rng.pick(ids);
  return { id, node: nodes[id] as JsonObject };
}

function newId(rng: Rng, ids: string[]): string {
  return rng.pick([
    `step-${rng.int(1000)}`,
    rng.pick(ids.length ? ids : ['start']),
    rng.pick(specialKeys),
    rng.pick(['Upper', 'has space', 'under_score', '-leading', 'a/b', 'a~b', 'ünï', '0', 'x'.repeat(300)]),
  ]);
}

const valueMutations: Record<string, (rng: Rng, doc: Json, ids: string[]) => Json> = {
  'delete-key': (rng, doc) => {
    const objectSlots = slots(doc).filter((s) => !Array.isArray(s.parent));
    if (!objectSlots.length) return doc;
    const slot = rng.pick(objectSlots);
    delete (slot.parent as JsonObject)[slot.key as string];
    return doc;
  },
  'change-type': (rng, doc, ids) => {
    const all = slots(doc);
    if (all.length) {
      const slot = rng.pick(all);
      put(slot, otherType(rng, slot.value, ids));
    }
    return doc;
  },
  'set-random': (rng, doc, ids) => {
    const all = slots(doc);
    if (all.length) put(rng.pick(all), randomValue(rng, ids));
    return doc;
  },
  'add-key': (rng, doc, ids) => {
    const objects = [doc, ...slots(doc).map((s) => s.value)].filter(isObject);
    if (objects.length) setKey(rng.pick(objects), rng.chance(0.4) ? rng.pick(specialKeys) : randomString(rng, ids), randomValue(rng, ids));
    return doc;
  },
  'rename-node': (rng, doc, ids) => {
    const nodes = nodesOf(doc);
    const picked = pickNode(rng, doc);
    if (!nodes || !picked) return doc;
    const to = newId(rng, ids);
    delete nodes[picked.id];
    setKey(nodes, to, picked.node);
    if (rng.chance(0.6)) {
      for (const node of Object.values(nodes)) {
        if (isObject(node) && isObject(node.next)) {
          for (const port of Object.keys(node.next)) if (node.next[port] === picked.id) setKey(node.next, port, to);
        }
      }
    }
    return doc;
  },
  rewire: (rng, doc, ids) => {
    const picked = pickNode(rng, doc);
    if (!picked) return doc;
    if (!isObject(picked.node.next)) setKey(picked.node, 'next', {});
    const next = picked.node.next as JsonObject;
    const ports = Object.keys(next);
    const port = ports.length && rng.chance(0.7) ? rng.pick(ports) : rng.pick(['out', 'else', 'allowed', 'bogus', 'Bad Port', ...specialKeys]);
    const target = rng.pick<Json>([rng.pick(ids.length ? ids : ['start']), picked.id, 'start', `missing-${rng.int(100)}`, 7, null, { id: 'x' }]);
    setKey(next, port, target);
    return doc;
  },
  'add-node': (rng, doc, ids) => {
    const nodes = nodesOf(doc);
    if (!nodes) return doc;
    const id = newId(rng, ids);
    const template = pickNode(rng, doc)?.node;
    const node: JsonObject = {
      type: rng.chance(0.9) ? rng.pick(kinds) : randomString(rng, ids),
      position: { x: rng.int(2000), y: rng.int(2000) },
    };
    if (rng.chance(0.7)) setKey(node, 'config', template && rng.chance(0.5) ? structuredClone(template.config ?? {}) : randomValue(rng, ids));
    if (rng.chance(0.6)) setKey(node, 'next', { [rng.pick(['out', 'sent', 'ok', 'a'])]: rng.pick(ids.length ? ids : ['start']) });
    setKey(nodes, id, node);
    const from = pickNode(rng, doc);
    if (from && isObject(from.node.next) && rng.chance(0.7)) {
      const ports = Object.keys(from.node.next);
      if (ports.length) setKey(from.node.next, rng.pick(ports), id);
    }
    return doc;
  },
  'remove-node': (rng, doc) => {
    const nodes = nodesOf(doc);
    const picked = pickNode(rng, doc);
    if (nodes && picked) delete nodes[picked.id];
    return doc;
  },
  'swap-kind': (rng, doc, ids) => {
    const picked = pickNode(rng, doc);
    if (picked) setKey(picked.node, 'type', rng.chance(0.85) ? rng.pick(kinds) : randomString(rng, ids));
    return doc;
  },
  'inject-liquid': (rng, doc) => {
    const picked = pickNode(rng, doc);
    if (!picked) return doc;
    if (!isObject(picked.node.config)) setKey(picked.node, 'config', {});
    const config = picked.node.config as JsonObject;
    const text = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(liquidSnippets)).join(rng.pick(['', ' ', '\n']));
    setKey(config, rng.pick(templateFields), text);
    return doc;
  },
  'huge-number': (rng, doc) => {
    const all = slots(doc);
    const numbers = all.filter((s) => typeof s.value === 'number');
    const slot = rng.pick(numbers.length ? numbers : all.length ? all : [undefined]);
    if (slot) put(slot, rng.chance(0.5) ? rng.pick(hugeNumbers) : marker('number', rng.int(textNumbers.length)));
    return doc;
  },
  'deep-nesting': (rng, doc) => {
    const all = slots(doc);
    if (all.length) put(rng.pick(all), marker(rng.pick(['deep-array', 'deep-object', 'deep-mixed']), rng.pick([4, 32, 300, 12000])));
    return doc;
  },
  'replace-document': (rng, doc, ids) => (rng.chance(0.3) ? randomValue(rng, ids) : rng.pick<Json>([[], {}, null, 'journey', 1, [doc]])),
  'duplicate-node': (rng, doc) => {
    const nodes = nodesOf(doc);
    const picked = pickNode(rng, doc);
    if (nodes && picked) setKey(nodes, `${picked.id}-copy`, structuredClone(picked.node));
    return doc;
  },
};

/** Writes the markers that stand for what a JS value cannot hold: deep nesting and numbers beyond double range. */
function expandMarkers(text: string): string {
  // The marker is inside a JSON string, so its control characters come out escaped as \u0001.
  return text.replace(/"\\u0001fuzz:([a-z-]+):(\d+)\\u0001"/g, (_, kind: string, arg: string) => {
    const n = Number(arg);
    switch (kind) {
      case 'number':
        return textNumbers[n % textNumbers.length]!;
      case 'deep':
        return `${'['.repeat(n % 64)}1${']'.repeat(n % 64)}`;
      case 'deep-array':
        return `${'['.repeat(n)}${']'.repeat(n)}`;
      case 'deep-object':
        return `${'{"a":'.repeat(n)}null${'}'.repeat(n)}`;
      default:
        return `${'{"a":['.repeat(n)}0${']}'.repeat(n)}`;
    }
  });
}

const textMutations: Record<string, (rng: Rng, text: string) => string> = {
  truncate: (rng, text) => text.slice(0, rng.int(text.length + 1)),
  'flip-characters': (rng, text) => {
    const chars = [...'{}[]":,\\ 0a-\u0000\n\t\ufeff€🙂\'e.+'];
    let out = text;
    for (let i = 1 + rng.int(4); i > 0; i--) {
      const at = rng.int(out.length + 1);
      out = out.slice(0, at) + rng.pick(chars) + out.slice(at + 1);
    }
    return out;
  },
  insert: (rng, text) => {
    const at = rng.int(text.length + 1);
    const snippet = rng.pick([
      ',',
      '// comment\n',
      '/* c */',
      ',]',
      ',}',
      '"x": 1,',
      '{',
      ']',
      '\ufeff',
      'NaN',
      'Infinity',
      '1e999',
      '-',
      '"\\u12"',
      '"\\x"',
      '"type": "sms",',
      '"a":"b"',
    ]);
    return text.slice(0, at) + snippet + text.slice(at);
  },
  'delete-span': (rng, text) => {
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + text.slice(at + 1 + rng.int(40));
  },
  'whole-text': (rng) => rng.pick(['', ' ', '\ufeff', '\ufeff{', 'null', '[]', '"x"', '0', 'true', '{}', '\ud800', '{"schemaVersion":1}', '\n\n\n']),
  bom: (_, text) => `\ufeff${text}`,
  'duplicate-keys': (rng, text) => {
    const at = text.indexOf('{', rng.int(Math.max(1, text.length)));
    return at < 0 ? text : `${text.slice(0, at + 1)}"type": "end", "nodes": {},${text.slice(at + 1)}`;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// What must hold for every input.

/** Zod's own wording, which a manager should never read. */
const rawZodPhrases =
  /\bInvalid (input|option|string|key|element|discriminator|type|email|url|URL|ISO|number|date)\b|\bToo (small|big):|Unrecognized keys?\b|\bexpected \w+, received\b|^Required$/;

export function problemFaults(problems: unknown): string[] {
  if (!Array.isArray(problems)) return ['problems is not a list'];
  const faults: string[] = [];
  for (const p of problems as Partial<Problem>[]) {
    if (typeof p !== 'object' || p === null) {
      faults.push(`a problem is not an object: ${String(p)}`);
      continue;
    }
    const where = JSON.stringify(p)?.slice(0, 300);
    if (p.severity !== 'error' && p.severity !== 'warning') faults.push(`severity is neither error nor warning: ${where}`);
    if (typeof p.path !== 'string' || (p.path !== '' && !p.path.startsWith('/'))) faults.push(`path is not a JSON pointer: ${where}`);
    if (typeof p.message !== 'string' || !p.message.trim()) faults.push(`message is empty: ${where}`);
    else {
      if (p.message.includes('[object Object]')) faults.push(`message says [object Object]: ${where}`);
      if (rawZodPhrases.test(p.message)) faults.push(`message uses Zod's wording: ${where}`);
      if (p.message.includes('{step}')) faults.push(`message has an unfilled {step}: ${where}`);
    }
    if (p.nodeId !== undefined) {
      if (typeof p.nodeId !== 'string') faults.push(`nodeId is not text: ${where}`);
      else if (typeof p.path === 'string' && p.path !== jsonPointer(['nodes', p.nodeId]) && !p.path.startsWith(`${jsonPointer(['nodes', p.nodeId])}/`))
        faults.push(`path does not point into its node: ${where}`);
    }
  }
  return faults;
}

function hasNonFiniteNumber(value: unknown): boolean {
  // A loop, not recursion: the value may be nested thousands deep.
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'number' && !Number.isFinite(v)) return true;
    if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
  }
  return false;
}

function problemKeys(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.severity} ${p.path} ${p.nodeId ?? ''}`).sort();
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  writeFile: (path: string, text: string) => Promise<void>;
}
type CliMain = (argv: string[], io: Io) => Promise<number>;

/** The `journey` command, when server/cli exists; it is imported by path so that this script runs without it. */
async function loadCli(): Promise<CliMain | undefined> {
  const url = new URL('../server/cli/main.ts', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;
  const module = (await import(url.href)) as { main?: unknown };
  return typeof module.main === 'function' ? (module.main as CliMain) : undefined;
}

async function runCli(main: CliMain, argv: string[], text: string) {
  const files: Record<string, string> = { 'fuzz.journey.json': text };
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    readFile: async (path) => files[path] ?? Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })),
    writeFile: async (path, t) => {
      files[path] = t;
    },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, files };
}

/** Runs every check on one input; returns what went wrong and how many problems were reported. */
async function check(text: string, cli: CliMain | undefined, recheck: boolean): Promise<{ faults: string[]; problems: number }> {
  const faults: string[] = [];
  const fail = (what: string, error: unknown) =>
    faults.push(
      `${what} threw ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n')}` : String(error)}`,
    );

  let loaded: ReturnType<typeof loadJourney>;
  try {
    loaded = loadJourney(text);
  } catch (error) {
    fail('loadJourney', error);
    return { faults, problems: 0 };
  }
  faults.push(...problemFaults(loaded.problems));
  const errors = loaded.problems.some((p) => p.severity === 'error');
  if (errors && loaded.journey) faults.push('a journey came back together with errors');
  if (!errors && !loaded.journey) faults.push('no journey came back, yet there is no error');

  let formatted: string | undefined;
  if ('value' in loaded) {
    try {
      formatted = formatJourney(loaded.value);
    } catch (error) {
      fail('formatJourney', error);
    }
  }
  if (formatted !== undefined && recheck) {
    try {
      const again = JSON.parse(formatted) as unknown;
      if (formatJourney(again) !== formatted) faults.push('formatting the formatted text changed it');
      // Formatting only reorders: what validation finds must stay the same (messages may list keys in another order).
      // Numbers beyond double range (1e400) read as Infinity and can only be written back as null, so they are left out.
      const before = problemKeys(loaded.problems);
      const after = problemKeys(validateJourney(again).problems);
      if (before.join('\n') !== after.join('\n') && !hasNonFiniteNumber(loaded.value)) {
        faults.push(`formatting changed what validation finds:\n  before: ${before.join('; ')}\n  after:  ${after.join('; ')}`);
      }
    } catch (error) {
      fail('re-reading the formatted text', error);
    }
  }

  if (cli) {
    try {
      const validate = await runCli(cli, ['validate', '--json', 'fuzz.journey.json'], text);
      if (validate.code !== (errors ? 1 : 0)) faults.push(`journey validate exited ${validate.code}: ${validate.stderr.slice(0, 300)}`);
      if (/^journey validate:/m.test(validate.stderr)) faults.push(`journey validate failed: ${validate.stderr.slice(0, 300)}`);
      const printed = JSON.stringify((JSON.parse(validate.stdout) as Problem[]).map(({ file: _, ...p }: Problem & { file?: string }) => p));
      if (printed !== JSON.stringify(loaded.problems)) faults.push('journey validate --json printed other problems than loadJourney found');
      const fmt = await runCli(cli, ['fmt', 'fuzz.journey.json'], text);
      if (/^journey fmt:/m.test(fmt.stderr)) faults.push(`journey fmt failed: ${fmt.stderr.slice(0, 300)}`);
      if (formatted !== undefined && fmt.code === 0 && fmt.files['fuzz.journey.json'] !== formatted)
        faults.push('journey fmt wrote other text than formatJourney');
    } catch (error) {
      fail('the journey command', error);
    }
  }
  return { faults, problems: loaded.problems.length };
}

// ---------------------------------------------------------------------------------------------------------------

/** Failures kept with their input; the count goes on beyond it. */
const keptFailures = 50;

export async function fuzzValidate(options: FuzzOptions = {}): Promise<FuzzSummary> {
  const started = performance.now();
  const count = options.count ?? 10_000;
  const from = options.from ?? 0;
  const seed = options.seed ?? 1;
  const cliEvery = options.cliEvery ?? 32;
  const recheckEvery = options.recheckEvery ?? 8;
  const bases = options.bases ?? defaultBases();
  if (!bases.length) throw new Error('no journeys to mutate');
  const cli = cliEvery > 0 ? await loadCli() : undefined;
  // Very deep documents are slow to read; a few of them find what many would.
  const valueOps = Object.fromEntries(Object.keys(valueMutations).map((op) => [op, op === 'deep-nesting' ? 0.3 : 1]));
  const textOps = Object.keys(textMutations);

  const failures: FuzzFailure[] = [];
  let crashes = 0;
  let problemsSeen = 0;
  for (let iteration = from; iteration < from + count; iteration++) {
    const rng = new Rng(iterationSeed(seed, iteration));
    const applied: string[] = [];
    let doc = JSON.parse(rng.pick(bases)) as Json;
    const ids = Object.keys(nodesOf(doc) ?? {});
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const op = rng.weighted(valueOps);
      applied.push(op);
      doc = valueMutations[op]!(rng, doc, ids);
    }
    let text = expandMarkers(JSON.stringify(doc, null, rng.pick([2, 0, '\t'])) ?? 'null');
    if (rng.chance(0.3)) {
      const op = rng.pick(textOps);
      applied.push(op);
      text = textMutations[op]!(rng, text);
    }

    // By iteration number, not position in this run, so that a replay with --from does the same checks.
    const every = (n: number) => n > 0 && iteration % n === 0;
    const result = await check(text, every(cliEvery) ? cli : undefined, every(recheckEvery));
    problemsSeen += result.problems;
    if (result.faults.length) {
      crashes++;
      if (failures.length < keptFailures) failures.push({ iteration, seed, mutations: applied, failure: result.faults.join('\n'), input: text });
    }
  }
  return { seed, mutations: count, crashes, problemsSeen, seconds: Math.round((performance.now() - started) / 10) / 100, failures };
}

function defaultBases(): string[] {
  const examples = exampleTexts();
  return examples.length ? examples : builtInJourneys().map((j) => `${JSON.stringify(j, null, 2)}\n`);
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

async function cli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { count: { type: 'string' }, seed: { type: 'string' }, from: { type: 'string' } },
  });
  const number = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number of at least 0, not ${JSON.stringify(value)}`);
    return n;
  };
  const options = {
    count: number('count', values.count, 10_000),
    seed: number('seed', values.seed, 1),
    from: number('from', values.from, 0),
  };
  const summary = await fuzzValidate(options);
  for (const [i, f] of summary.failures.slice(0, 5).entries()) {
    process.stderr.write(
      [
        `crash at iteration ${f.iteration} (replay: npm run fuzz:validate -- --seed ${f.seed} --from ${f.iteration} --count 1)`,
        `  seed: ${f.seed}`,
        `  mutations: ${f.mutations.join(', ')}`,
        `  ${f.failure.replaceAll('\n', '\n  ')}`,
        `  input: ${shorten(JSON.stringify(f.input), i === 0 ? 200_000 : 4000)}`,
        '',
      ].join('\n'),
    );
  }
  if (summary.crashes > 5) process.stderr.write(`… and ${summary.crashes - 5} more crashes\n`);
  const { failures: _, ...printed } = summary;
  process.stdout.write(`${JSON.stringify(printed)}\n`);
  return summary.crashes ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`fuzz-validate: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
