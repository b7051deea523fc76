import { describe, expect, it } from 'vitest';
import { definitionOf, isNodeKind } from './catalogue.ts';
import { loadJourney } from './parse.ts';
import type { Problem, Severity } from './problems.ts';
import { validateJourney } from './validate.ts';

// Fixtures are plain JSON as a person would write it; `any` keeps the table short.
type Doc = Record<string, any>;

const at = { x: 0, y: 0 };

/** The smallest journey with no problem at all: start → SMS gate → SMS → end. */
function minimal(): Doc {
  return {
    schemaVersion: 1,
    id: 'reminder',
    name: 'Reminder',
    settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 0800 123 456' },
    nodes: {
      start: { type: 'start', position: at, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      gate: { type: 'compliance-gate', position: at, config: { channel: 'sms' }, next: { allowed: 'reminder', blocked: 'done' } },
      reminder: { type: 'sms', position: at, config: { body: 'Hi {{ contact.firstName }}' }, next: { sent: 'done', failed: 'done' } },
      done: { type: 'end', position: at, config: { outcome: 'completed' } },
    },
  };
}

/** The minimal journey with one change applied. */
function journeyWith(change: (j: Doc) => void): Doc {
  const journey = minimal();
  change(journey);
  return journey;
}

/** The minimal journey with one more step between the start and the gate; its fixed exits all lead to the gate. */
function withStep(id: string, type: string, config: unknown, next?: Record<string, string>): Doc {
  const ports = isNodeKind(type) && Array.isArray(definitionOf(type).ports) ? (definitionOf(type).ports as string[]) : [];
  return journeyWith((j) => {
    j.nodes[id] = { type, position: at, config, next: next ?? Object.fromEntries(ports.map((p) => [p, 'gate'])) };
    j.nodes.start.next.out = id;
  });
}

const callerId = '+12025550143';
const condition = (value: unknown) => ({ field: 'contact.state', op: 'equals', value });

function load(input: Doc | string) {
  return loadJourney(typeof input === 'string' ? input : JSON.stringify(input, null, 2));
}

function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  ${p.severity} ${JSON.stringify(p.path)} node=${p.nodeId ?? '-'}: ${p.message}`).join('\n') || '  (none)';
}

interface Case {
  name: string;
  input: Doc | string;
  severity: Severity;
  nodeId?: string;
  path: string;
  message: RegExp;
}

const errors: Case[] = [
  // The file itself
  {
    name: 'text that is not JSON, with line and column',
    input: '{\n  "schemaVersion": 1,\n  "id": oops\n}\n',
    severity: 'error',
    path: '',
    message: /^The file is not valid JSON at line 3, column 9: unexpected character/,
  },
  {
    name: 'JSON cut short',
    input: '{\n  "schemaVersion": 1,\n',
    severity: 'error',
    path: '',
    message: /^The file is not valid JSON at line 3, column 1: /,
  },
  {
    name: 'JSON that is not an object',
    input: '[1, 2]',
    severity: 'error',
    path: '',
    message: /not a journey: it should be a JSON object with schemaVersion, id, name, settings and nodes/,
  },
  {
    name: 'no schemaVersion',
    input: journeyWith((j) => delete j.schemaVersion),
    severity: 'error',
    path: '/schemaVersion',
    message: /^The journey has no schemaVersion: add "schemaVersion": 1$/,
  },
  {
    name: 'an unknown schemaVersion',
    input: journeyWith((j) => (j.schemaVersion = 2)),
    severity: 'error',
    path: '/schemaVersion',
    message: /^The journey has schemaVersion 2, which this tool cannot read; it reads schemaVersion 1\b/,
  },
  {
    name: 'no name',
    input: journeyWith((j) => delete j.name),
    severity: 'error',
    path: '/name',
    message: /^The journey\b.*"name".* is missing/,
  },
  {
    name: 'no settings',
    input: journeyWith((j) => delete j.settings),
    severity: 'error',
    path: '/settings',
    message: /^The journey\b.*"settings".* is missing/,
  },
  {
    name: 'a time zone that does not exist',
    input: journeyWith((j) => (j.settings.timezone = 'Mars/Olympus_Mons')),
    severity: 'error',
    path: '/settings/timezone',
    message: /^The journey\b.*time zone.* must be a time zone name such as America\/New_York/,
  },
  {
    name: 'an unknown compliance profile',
    input: journeyWith((j) => (j.settings.compliance = 'FR')),
    severity: 'error',
    path: '/settings/compliance',
    message: /^The journey\b.* must be one of US, UK, AU, NZ/,
  },

  // Steps
  {
    name: 'a step id that is not a slug',
    input: journeyWith((j) => {
      j.nodes.First_Call = { type: 'end', position: at };
      j.nodes.gate.next.blocked = 'First_Call';
    }),
    severity: 'error',
    nodeId: 'First_Call',
    path: '/nodes/First_Call',
    message: /^The step id "First_Call" must be lower-case letters, digits and hyphens/,
  },
  {
    name: 'a step id with a slash, escaped in the pointer',
    input: journeyWith((j) => {
      j.nodes['a/b'] = { type: 'end', position: at };
      j.nodes.gate.next.blocked = 'a/b';
    }),
    severity: 'error',
    nodeId: 'a/b',
    path: '/nodes/a~1b',
    message: /^The step id "a\/b" must be lower-case letters/,
  },
  {
    name: 'an unknown kind close to a known one',
    input: journeyWith((j) => (j.nodes.reminder.type = 'smss')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/type',
    message: /^The step 'reminder' is of an unknown kind "smss"; did you mean "sms"\? Known kinds: start, compliance-gate, dialer, sms,/,
  },
  {
    name: 'an unknown kind like no known one (the list of kinds is a new sentence)',
    input: journeyWith((j) => (j.nodes.reminder.type = 'telegram')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/type',
    message: /^The step 'reminder' is of an unknown kind "telegram"[.;:] Known kinds: start, compliance-gate/,
  },
  {
    name: 'a step that is not an object',
    input: journeyWith((j) => (j.nodes.done = 5)),
    severity: 'error',
    nodeId: 'done',
    path: '/nodes/done',
    message: /^The step 'done' should be a group of settings in \{ \}, not 5$/,
  },
  {
    name: 'a position that is not a number',
    input: journeyWith((j) => (j.nodes.done.position = { x: 'left', y: 0 })),
    severity: 'error',
    nodeId: 'done',
    path: '/nodes/done/position/x',
    message: /^The End step 'done'.*"x".* must be a number/,
  },

  // Config of each kind
  {
    name: 'start: no audience',
    input: journeyWith((j) => (j.nodes.start.config = {})),
    severity: 'error',
    nodeId: 'start',
    path: '/nodes/start/config/audience',
    message: /^The Start step 'start': Who enters is missing$/,
  },
  {
    name: 'start: both a list and an event',
    input: journeyWith((j) => (j.nodes.start.config.audience = { list: 'people', event: 'signed-up' })),
    severity: 'error',
    nodeId: 'start',
    path: '/nodes/start/config/audience',
    message: /^The Start step 'start': Who enters needs either a contact list or an entry event, not both/,
  },
  {
    name: 'compliance-gate: an unknown channel',
    input: journeyWith((j) => (j.nodes.gate.config.channel = 'fax')),
    severity: 'error',
    nodeId: 'gate',
    path: '/nodes/gate/config/channel',
    message: /^The Compliance gate step 'gate': Channel must be voice, sms or email$/,
  },
  {
    name: 'compliance-gate: an unknown profile',
    input: journeyWith((j) => (j.nodes.gate.config.profile = 'FR')),
    severity: 'error',
    nodeId: 'gate',
    path: '/nodes/gate/config/profile',
    message: /^The Compliance gate step 'gate': Rules must be one of US, UK, AU, NZ, CA$/,
  },
  {
    name: 'dialer: a ring time under the legal minimum',
    input: withStep('call', 'dialer', { queue: 'sales', callerId, ringSeconds: 10 }),
    severity: 'error',
    nodeId: 'call',
    path: '/nodes/call/config/ringSeconds',
    message: /^The Phone call step 'call': Ring time must be at least 15 seconds: the legal minimum ring time/,
  },
  {
    name: 'dialer: no caller id',
    input: withStep('call', 'dialer', { queue: 'sales' }),
    severity: 'error',
    nodeId: 'call',
    path: '/nodes/call/config/callerId',
    message: /^The Phone call step 'call': Caller ID is missing$/,
  },
  {
    name: 'dialer: agentless without a message',
    input: withStep('call', 'dialer', { mode: 'agentless', callerId }),
    severity: 'error',
    nodeId: 'call',
    path: '/nodes/call/config/message',
    message: /^The Phone call step 'call' plays a recorded message but has no message text$/,
  },
  {
    name: 'dialer: with agents but no queue',
    input: withStep('call', 'dialer', { mode: 'predictive', callerId }),
    severity: 'error',
    nodeId: 'call',
    path: '/nodes/call/config/queue',
    message: /^The Phone call step 'call' needs an agent queue to connect answered calls to$/,
  },
  {
    name: 'dialer: leaves a message on machines but has none',
    input: withStep('call', 'dialer', { queue: 'sales', callerId, amd: { onMachine: 'leave-message' } }),
    severity: 'error',
    nodeId: 'call',
    path: '/nodes/call/config/message',
    message: /^The Phone call step 'call' leaves a message on answering machines but has no message text$/,
  },
  {
    name: 'sms: an empty message',
    input: journeyWith((j) => (j.nodes.reminder.config.body = '')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /^The SMS step 'reminder' has no text$/,
  },
  {
    name: 'sms: a Liquid syntax error, with its line and column',
    input: journeyWith((j) => (j.nodes.reminder.config.body = 'Hello\n{% if contact.vip %}VIP')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /^The SMS step 'reminder': Message has a template error: tag \{% if contact\.vip %\} not closed, line:2, col:1/,
  },
  {
    name: 'sms: an unclosed {{',
    input: journeyWith((j) => (j.nodes.reminder.config.body = 'Hi {{ contact.firstName ')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /^The SMS step 'reminder': Message has a template error: .*not closed, line:1, col:4/,
  },
  {
    name: 'sms: nested loops whose ranges multiply past the bound, named with the loops',
    input: journeyWith((j) => (j.nodes.reminder.config.body = '{% for a in (1..1000) %}{% for b in (1..1000) %}x{% endfor %}{% endfor %}')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message:
      /^The SMS step 'reminder': Message loops 1,001,000 times for each contact \(\(1\.\.1000\) inside \(1\.\.1000\)\); a template may loop at most 1,000 times/,
  },
  {
    name: 'email: a template that builds text past the memory limit in a short loop',
    input: withStep('mail', 'email', {
      subject: 'Hi',
      text: '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}',
    }),
    severity: 'error',
    nodeId: 'mail',
    path: '/nodes/mail/config/text',
    message: /^The Email step 'mail': .* cannot be rendered for a sample contact within the limits for one message \(memory alloc limit exceeded/,
  },
  {
    name: 'sms: a variable a journey does not provide',
    input: journeyWith((j) => (j.nodes.reminder.config.body = 'Hi {{ customer.name }}')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /^The SMS step 'reminder': Message uses \{\{ customer\.name \}\}, which a journey does not provide; use contact\./,
  },
  {
    name: 'sms: a link the step does not declare',
    input: journeyWith((j) => (j.nodes.reminder.config.body = 'Pay at {{ links.pay }}')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /^The SMS step 'reminder': Message uses \{\{ links\.pay \}\}, but the step has no link called "pay"; add it under Links$/,
  },
  {
    name: 'sms: the label names the step',
    input: journeyWith((j) => {
      j.nodes.reminder.label = 'Payment reminder';
      j.nodes.reminder.config.body = '';
    }),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /^The SMS step 'Payment reminder' has no text$/,
  },
  {
    name: 'email: no subject',
    input: withStep('letter', 'email', { text: 'Dear {{ contact.firstName }}' }),
    severity: 'error',
    nodeId: 'letter',
    path: '/nodes/letter/config/subject',
    message: /^The Email step 'letter': Subject is missing$/,
  },
  {
    name: 'email: an empty subject',
    input: withStep('letter', 'email', { subject: '', text: 'Dear {{ contact.firstName }}' }),
    severity: 'error',
    nodeId: 'letter',
    path: '/nodes/letter/config/subject',
    message: /^The Email step 'letter' has no subject$/,
  },
  {
    name: 'email: no message at all',
    input: withStep('letter', 'email', { subject: 'Your renewal' }),
    severity: 'error',
    nodeId: 'letter',
    path: '/nodes/letter/config/text',
    message: /^The Email step 'letter' has no message: write a plain-text or HTML message$/,
  },
  {
    name: 'wait: a duration in words',
    input: withStep('pause', 'wait', { duration: '2 days' }),
    severity: 'error',
    nodeId: 'pause',
    path: '/nodes/pause/config/duration',
    message: /^The Wait step 'pause': Wait for must be a length of time written as an ISO 8601 duration, for example PT4H/,
  },
  {
    name: 'wait: a duration of nothing ("P")',
    input: withStep('pause', 'wait', { duration: 'P' }),
    severity: 'error',
    nodeId: 'pause',
    path: '/nodes/pause/config/duration',
    message: /^The Wait step 'pause': .*ISO 8601 duration/,
  },
  {
    name: 'wait: both a duration and a time of day',
    input: withStep('pause', 'wait', { duration: 'P1D', until: { time: '09:00' } }),
    severity: 'error',
    nodeId: 'pause',
    path: '/nodes/pause/config',
    message: /^The Wait step 'pause' needs a length of time or a time of day to wait until \(one of them, not both\)/,
  },
  {
    name: 'wait-for-event: an event a contact cannot cause',
    input: withStep('wait-click', 'wait-for-event', { event: 'call.answered' }),
    severity: 'error',
    nodeId: 'wait-click',
    path: '/nodes/wait-click/config/event',
    message: /^The Wait for a reaction step 'wait-click': .* must be one of link\.clicked, sms\.replied, email\.opened$/,
  },
  {
    name: 'branch: no rules',
    input: withStep('route', 'branch', { rules: [] }, { else: 'gate' }),
    severity: 'error',
    nodeId: 'route',
    path: '/nodes/route/config/rules',
    message: /^The Branch step 'route' has no rules: add one, or remove the step$/,
  },
  {
    name: 'branch: the same path twice',
    input: withStep(
      'route',
      'branch',
      {
        rules: [
          { port: 'east', conditions: [condition('NY')] },
          { port: 'east', conditions: [condition('MA')] },
        ],
      },
      { east: 'gate', else: 'gate' },
    ),
    severity: 'error',
    nodeId: 'route',
    path: '/nodes/route/config/rules/1/port',
    message: /^The Branch step 'route': .*item 2.* uses the path name "east" twice$/,
  },
  {
    name: 'branch: a condition with nothing to compare with',
    input: withStep('route', 'branch', { rules: [{ port: 'east', conditions: [{ field: 'contact.state', op: 'equals' }] }] }, { east: 'gate', else: 'gate' }),
    severity: 'error',
    nodeId: 'route',
    path: '/nodes/route/config/rules/0/conditions/0/value',
    message: /^The Branch step 'route': .* needs a value to compare with for "equals"$/,
  },
  {
    name: 'split: percentages that do not add up to 100',
    input: withStep(
      'ab',
      'split',
      {
        branches: [
          { port: 'a', percent: 40 },
          { port: 'b', percent: 50 },
        ],
      },
      { a: 'gate', b: 'gate' },
    ),
    severity: 'error',
    nodeId: 'ab',
    path: '/nodes/ab/config/branches',
    message: /^The Split step 'ab' splits 90 % of contacts; the percentages must add up to 100$/,
  },
  {
    name: 'split: the same path twice',
    input: withStep(
      'ab',
      'split',
      {
        branches: [
          { port: 'a', percent: 50 },
          { port: 'a', percent: 50 },
        ],
      },
      { a: 'gate' },
    ),
    severity: 'error',
    nodeId: 'ab',
    path: '/nodes/ab/config/branches/1/port',
    message: /^The Split step 'ab': .* uses the path name "a" twice$/,
  },
  {
    name: 'webhook: an address that is not a web address',
    input: withStep('crm', 'webhook', { url: 'ftp://crm.example.com/hook' }),
    severity: 'error',
    nodeId: 'crm',
    path: '/nodes/crm/config/url',
    message: /^The Webhook step 'crm': Address must be a web address starting with https:\/\/ or http:\/\//,
  },
  {
    name: 'webhook: a body with GET',
    input: withStep('crm', 'webhook', { url: 'https://crm.example.com/hook', method: 'GET', body: '{}' }),
    severity: 'error',
    nodeId: 'crm',
    path: '/nodes/crm/config/body',
    message: /^The Webhook step 'crm' cannot send a body with GET; remove the body or use POST/,
  },
  {
    name: 'end: an outcome that is not a slug',
    input: journeyWith((j) => (j.nodes.done.config.outcome = 'Paid In Full')),
    severity: 'error',
    nodeId: 'done',
    path: '/nodes/done/config/outcome',
    message: /^The End step 'done': Outcome must be lower-case letters, digits and hyphens/,
  },
  {
    name: 'a config key the kind does not have',
    input: journeyWith((j) => (j.nodes.reminder.config.colour = 'red')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config',
    message: /^The SMS step 'reminder' has a setting it does not know: "colour"/,
  },

  // Templates that read what a contact does not have
  {
    name: 'sms: a contact field spelt as a CSV column, with the field it means',
    input: journeyWith((j) => (j.nodes.reminder.config.body = 'Hi {{ contact.first_name }}')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message:
      /^The SMS step 'reminder': Message uses \{\{ contact\.first_name \}\}, but a contact has no field "first_name"; did you mean firstName\? A contact's fields are id, externalId, phone, email, firstName, lastName, timezone, state, postalCode/,
  },
  {
    name: 'sms: a contact field inside a tag and a filter',
    input: journeyWith((j) => (j.nodes.reminder.config.body = '{% if contact.lastname %}Dear {{ contact.lastname | upcase }}{% endif %}')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /uses \{\{ contact\.lastname \}\}, but a contact has no field "lastname"; did you mean lastName\?/,
  },
  {
    name: 'sms: a contact field like no known one',
    input: journeyWith((j) => (j.nodes.reminder.config.body = 'Your balance is {{ contact.balance }}')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/body',
    message: /has no field "balance"\. A contact's fields are .*; other columns of the list are read as attributes\.<column>$/,
  },
  {
    name: 'email: a contact field in the subject',
    input: journeyWith((j) => {
      j.nodes.gate.config.channel = 'email';
      j.nodes.reminder = {
        type: 'email',
        position: at,
        config: { subject: 'For {{ contact.fullName }}', text: 'Hello' },
        next: { sent: 'done', failed: 'done' },
      };
    }),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/subject',
    message: /^The Email step 'reminder': Subject uses \{\{ contact\.fullName \}\}, but a contact has no field "fullName"/,
  },
  {
    name: 'dialer: a contact field in the agent script',
    input: journeyWith((j) => {
      j.nodes.gate.config.channel = 'voice';
      j.nodes.reminder = {
        type: 'dialer',
        position: at,
        config: { queue: 'sales', callerId, script: 'Ask for {{ contact.firstname }}' },
        next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
      };
    }),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/config/script',
    message: /^The Phone call step 'reminder': Agent script uses \{\{ contact\.firstname \}\}, .*did you mean firstName\?/,
  },
  {
    name: 'webhook: a contact field in the address',
    input: withStep('crm', 'webhook', { url: 'https://crm.example.com/contacts/{{ contact.external_id }}' }),
    severity: 'error',
    nodeId: 'crm',
    path: '/nodes/crm/config/url',
    message: /^The Webhook step 'crm': Address uses \{\{ contact\.external_id \}\}, .*did you mean externalId\?/,
  },

  // Channel steps every path to which must pass a gate of their channel
  {
    name: 'an SMS step with no gate before it',
    input: journeyWith((j) => {
      delete j.nodes.gate;
      j.nodes.start.next.out = 'reminder';
    }),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder',
    message: /^The SMS step 'reminder' can be reached without passing a compliance gate for SMS; put one before it/,
  },
  {
    name: 'an SMS step reached through the gate’s "blocked" exit',
    input: journeyWith((j) => {
      j.nodes.gate.next.blocked = 'reminder';
      j.nodes.gate.next.allowed = 'done';
    }),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder',
    message: /^The SMS step 'reminder' can be reached without passing a compliance gate for SMS/,
  },
  {
    name: 'an SMS step behind a gate for another channel',
    input: journeyWith((j) => (j.nodes.gate.config.channel = 'email')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder',
    message: /^The SMS step 'reminder' can be reached without passing a compliance gate for SMS/,
  },
  {
    name: 'an email step with no gate before it',
    input: withStep('letter', 'email', { subject: 'Hello', text: 'Dear {{ contact.firstName }}' }),
    severity: 'error',
    nodeId: 'letter',
    path: '/nodes/letter',
    message: /^The Email step 'letter' can be reached without passing a compliance gate for email/,
  },
  {
    name: 'a call with no gate before it',
    input: withStep('call', 'dialer', { queue: 'sales', callerId }),
    severity: 'error',
    nodeId: 'call',
    path: '/nodes/call',
    message: /^The Phone call step 'call' can be reached without passing a compliance gate for calls/,
  },

  // Connections
  {
    name: 'an exit the kind does not have',
    input: journeyWith((j) => (j.nodes.reminder.next.delivered = 'done')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/next/delivered',
    message: /^The SMS step 'reminder' has no exit called "delivered"; its exits are "sent", "failed"$/,
  },
  {
    name: 'an end step that leads somewhere',
    input: journeyWith((j) => (j.nodes.done.next = { out: 'gate' })),
    severity: 'error',
    nodeId: 'done',
    path: '/nodes/done/next/out',
    message: /^The End step 'done' is the end of the journey and cannot lead anywhere; remove "next"$/,
  },
  {
    name: 'a next step that does not exist',
    input: journeyWith((j) => (j.nodes.reminder.next.sent = 'nowhere')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/next/sent',
    message: /^The SMS step 'reminder' leads from "sent" to "nowhere", which is not a step in this journey$/,
  },
  {
    name: 'no start step',
    input: journeyWith((j) => delete j.nodes.start),
    severity: 'error',
    path: '/nodes',
    message: /^The journey has no Start step: add one to say who enters the journey$/,
  },
  {
    name: 'two start steps',
    input: journeyWith((j) => (j.nodes['start-2'] = { type: 'start', position: at, config: { audience: { event: 'signed-up' } }, next: { out: 'gate' } })),
    severity: 'error',
    nodeId: 'start-2',
    path: '/nodes/start-2',
    message: /^The journey has more than one Start step \('start' and 'start-2'\); keep one$/,
  },
  {
    name: 'a step that leads back into the start',
    input: journeyWith((j) => (j.nodes.reminder.next.failed = 'start')),
    severity: 'error',
    nodeId: 'reminder',
    path: '/nodes/reminder/next/failed',
    message: /^The SMS step 'reminder' leads back to the Start step; contacts enter only once/,
  },
  {
    name: 'a step that cannot be reached from the start',
    input: journeyWith((j) => (j.nodes.orphan = { type: 'end', position: at })),
    severity: 'error',
    nodeId: 'orphan',
    path: '/nodes/orphan',
    message: /^The End step 'orphan' cannot be reached from the Start step; connect a step to it or remove it$/,
  },
  {
    name: 'a loop with no wait',
    input: journeyWith((j) => {
      j.nodes.reminder.next.sent = 'crm';
      j.nodes.crm = { type: 'webhook', position: at, config: { url: 'https://crm.example.com/hook' }, next: { ok: 'done', error: 'gate' } };
    }),
    severity: 'error',
    nodeId: 'crm',
    path: '/nodes/crm',
    message: /^Steps .*'crm'.* form a loop with no Wait in it: a contact would go round without pause/,
  },
  {
    name: 'a loop with no wait, named in the order contacts go round it',
    input: journeyWith((j) => {
      const hook = (next: string) => ({ type: 'webhook', position: at, config: { url: 'https://crm.example.com/hook' }, next: { ok: next, error: 'done' } });
      j.nodes.gate.next.blocked = 'alpha';
      Object.assign(j.nodes, { alpha: hook('charlie'), charlie: hook('bravo'), bravo: hook('alpha') });
    }),
    severity: 'error',
    nodeId: 'alpha',
    path: '/nodes/alpha',
    message: /^Steps 'alpha' → 'charlie' → 'bravo' → 'alpha' form a loop/,
  },
  {
    name: 'a step that leads to itself',
    input: journeyWith((j) => {
      j.nodes.gate.next.blocked = 'crm';
      j.nodes.crm = { type: 'webhook', position: at, config: { url: 'https://crm.example.com/hook' }, next: { ok: 'done', error: 'crm' } };
    }),
    severity: 'error',
    nodeId: 'crm',
    path: '/nodes/crm',
    message: /^Steps 'crm' → 'crm' form a loop with no Wait in it/,
  },
];

const warnings: Case[] = [
  {
    name: 'texts sent with no way to reach the contact centre for the HELP answer',
    input: journeyWith((j) => delete j.settings.helpContact),
    severity: 'warning',
    path: '/settings/helpContact',
    message:
      /^The journey sends texts but does not say how contacts reach you: the automatic answer to a HELP text would give only its name\. Fill in "How contacts reach you"/,
  },
  {
    name: 'an exit left unconnected',
    input: journeyWith((j) => delete j.nodes.reminder.next.failed),
    severity: 'warning',
    nodeId: 'reminder',
    path: '/nodes/reminder/next/failed',
    message: /^The SMS step 'reminder' has no next step for "Failed": contacts who leave that way end their journey there$/,
  },
  {
    name: 'a branch on the results of a step that does not exist',
    input: withStep(
      'route',
      'branch',
      { rules: [{ port: 'talked', conditions: [{ field: 'results.first-call.disposition', op: 'equals', value: 'sale' }] }] },
      { talked: 'gate', else: 'gate' },
    ),
    severity: 'warning',
    nodeId: 'route',
    path: '/nodes/route/config/rules/0/conditions/0/field',
    message: /^The Branch step 'route' checks the result of 'first-call', which is not a step in this journey; the condition will never hold$/,
  },
  {
    name: 'waiting for a click on a link no message has',
    input: withStep('wait-click', 'wait-for-event', { event: 'link.clicked', link: 'pay' }),
    severity: 'warning',
    nodeId: 'wait-click',
    path: '/nodes/wait-click/config/link',
    message: /^The Wait for a reaction step 'wait-click' waits for a click on the link "pay", but no SMS or email step has a link of that name$/,
  },
];

function expectProblem(problems: readonly Problem[], c: Case): void {
  const found = problems.find((p) => p.severity === c.severity && p.path === c.path && p.nodeId === c.nodeId && c.message.test(p.message));
  expect(
    found,
    `expected ${c.severity} at ${JSON.stringify(c.path)} (node ${c.nodeId ?? '-'}) matching ${c.message}; got:\n${describeProblems(problems)}`,
  ).toBeDefined();
}

describe('validateJourney', () => {
  it('accepts the minimal fixture with no problem', () => {
    const result = validateJourney(minimal());
    expect(result.problems).toEqual([]);
    expect(result.journey).toBeDefined();
  });

  describe('errors', () => {
    it.each(errors.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const result = load(c.input);
      expectProblem(result.problems, c);
      expect(result.journey).toBeUndefined();
    });
  });

  it('asks for no help contact when the journey sends no texts', () => {
    const noTexts = journeyWith((j) => {
      delete j.settings.helpContact;
      j.nodes.gate.config.channel = 'email';
      j.nodes.reminder = { type: 'email', position: at, config: { subject: 'Your visit', text: 'Hello' }, next: { sent: 'done', failed: 'done' } };
    });
    expect(validateJourney(noTexts).problems).toEqual([]);
  });

  describe('warnings, which do not reject the journey', () => {
    it.each(warnings.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const result = load(c.input);
      expectProblem(result.problems, c);
      expect(describeProblems(result.problems.filter((p) => p.severity === 'error'))).toBe('  (none)');
      expect(result.journey).toBeDefined();
    });
  });

  describe('a detector whose mistakes alone reach the abandoned-call limit', () => {
    /** The minimal journey calling instead of texting, with the dialer step's settings changed. */
    const calling = (config: Record<string, unknown>, settings: Record<string, unknown> = {}) =>
      journeyWith((j) => {
        Object.assign(j.settings, settings);
        j.nodes.gate.config.channel = 'voice';
        j.nodes.reminder = {
          type: 'dialer',
          position: at,
          config: { mode: 'predictive', queue: 'sales', callerId, ...config },
          next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
        };
      });
    const warningsOf = (doc: Doc) => validateJourney(doc).problems.filter((p) => p.path === '/nodes/reminder/config/amd/peopleMissedPercent');

    it('warns a predictive step whose detector misses 3 % of people under US rules, and says what to change', () => {
      const result = validateJourney(calling({ amd: { enabled: true, onMachine: 'hangup', toFreeAgent: false, peopleMissedPercent: 3 } }));
      expect(result.journey).toBeDefined();
      expect(result.problems).toEqual([
        {
          severity: 'warning',
          nodeId: 'reminder',
          path: '/nodes/reminder/config/amd/peopleMissedPercent',
          message:
            "The Phone call step 'reminder' uses a detector that takes 3 % of people for machines, and each one it hangs up on is an abandoned call: that alone reaches the 3 % limit on abandoned calls of US's rules, before any call waits for an agent. To stay under it, use a detector that takes fewer people for machines, let a free agent hear suspected machines, dial progressively, so that an agent is always free to hear them, or turn machine detection off",
        },
      ]);
    });

    it('holds the step to its own lower limit and to the lowest cap of the countries called', () => {
      // Canada allows 5 %: a 4 % detector is under it, but not under a step limit of 2.5 % or a journey calling the US.
      const amd = { enabled: true, onMachine: 'hangup', toFreeAgent: true, peopleMissedPercent: 4 };
      expect(warningsOf(calling({ amd }, { compliance: 'CA' }))).toEqual([]);
      expect(warningsOf(calling({ amd, maxAbandonRate: 2.5 }, { compliance: 'CA' }))[0]?.message).toMatch(/reaches the 2\.5 % limit .* of CA's rules/);
      expect(warningsOf(calling({ amd }, { compliance: 'CA', countries: ['CA', 'US'] }))[0]?.message).toMatch(/reaches the 3 % limit .* of US's rules/);
    });

    it('says nothing with the default 2 % detector, with detection off, or when a held agent hears every suspected machine', () => {
      expect(warningsOf(calling({}))).toEqual([]);
      expect(warningsOf(calling({ amd: { enabled: false, onMachine: 'hangup', toFreeAgent: false, peopleMissedPercent: 10 } }))).toEqual([]);
      expect(warningsOf(calling({ mode: 'progressive', amd: { enabled: true, onMachine: 'hangup', toFreeAgent: true, peopleMissedPercent: 10 } }))).toEqual([]);
      // Progressive, but hanging up on every machine verdict: the held agent never hears them.
      expect(
        warningsOf(calling({ mode: 'progressive', amd: { enabled: true, onMachine: 'hangup', toFreeAgent: false, peopleMissedPercent: 10 } })),
      ).toHaveLength(1);
    });
  });

  it('reads deeply nested text without running out of stack, whether or not it is JSON', () => {
    const deep = '['.repeat(20_000);
    for (const text of [
      `{"schemaVersion": 1, "nodes": {"a": {"type": "end", "config": ${deep}${']'.repeat(20_000)}}}}`,
      `{"schemaVersion": 1, "nodes": ${deep}`,
    ]) {
      let result: ReturnType<typeof load> | undefined;
      expect(() => (result = load(text))).not.toThrow();
      expect(result?.problems).toEqual([
        { severity: 'error', path: '', message: expect.stringMatching(/^The file nests objects or lists more than 100 levels deep at line 1, column \d+/) },
      ]);
    }
  });

  it('accepts a loop that has a wait in it', () => {
    const journey = journeyWith((j) => {
      j.nodes.reminder.next.sent = 'later';
      j.nodes.later = { type: 'wait', position: at, config: { duration: 'P1D' }, next: { out: 'gate' } };
    });
    expect(describeProblems(validateJourney(journey).problems)).toBe('  (none)');
  });

  it('accepts a loop through a wait for a reaction', () => {
    const journey = journeyWith((j) => {
      j.nodes.reminder.next.sent = 'wait-reply';
      j.nodes['wait-reply'] = { type: 'wait-for-event', position: at, config: { event: 'sms.replied' }, next: { event: 'done', timeout: 'gate' } };
    });
    expect(describeProblems(validateJourney(journey).problems)).toBe('  (none)');
  });

  it('does not warn about a channel step reached through a gate’s "allowed" exit', () => {
    const { problems } = validateJourney(minimal());
    expect(problems.filter((p) => /compliance gate/.test(p.message))).toEqual([]);
  });

  it('reports each problem once, with an error for every broken step and no stray warnings for them', () => {
    const { problems } = load(journeyWith((j) => (j.nodes.reminder.config.body = '')));
    expect(describeProblems(problems)).toBe('  error "/nodes/reminder/config/body" node=reminder: The SMS step \'reminder\' has no text');
  });
});

describe('what templates read from the contact', () => {
  const withBody = (body: string) => journeyWith((j) => (j.nodes.reminder.config.body = body));
  const columns = ['balance', 'due_date', 'plan'];

  it('accepts every contact field, attributes, results and the last call', () => {
    const body = `{{ contact.id }} {{ contact.externalId }} {{ contact.phone }} {{ contact.email }} {{ contact.firstName }} {{ contact.lastName }} {{ contact.timezone }} {{ contact.state }} {{ contact.postalCode }} {{ contact }} {{ attributes.anything }} {{ lastCall.disposition }}`;
    expect(describeProblems(validateJourney(withBody(body)).problems)).toBe('  (none)');
  });

  it('reports each unknown field of a template once, however often it is read', () => {
    const { problems } = validateJourney(withBody('{{ contact.first_name }} {{ contact.first_name | upcase }}'));
    expect(problems.filter((p) => /first_name/.test(p.message))).toHaveLength(1);
  });

  it('does not check attributes when the list’s columns are not known', () => {
    expect(describeProblems(validateJourney(withBody('You owe {{ attributes.balence }}')).problems)).toBe('  (none)');
  });

  interface AttributeCase {
    name: string;
    input: Doc;
    columns: string[];
    path?: string;
    nodeId?: string;
    message?: RegExp;
  }
  const attributeCases: AttributeCase[] = [
    {
      name: 'a misspelt column, with the list’s columns and the closest',
      input: withBody('You owe {{ attributes.balence }}'),
      columns,
      nodeId: 'reminder',
      path: '/nodes/reminder/config/body',
      message:
        /^The SMS step 'reminder': Message reads attributes\.balence, but the contact list "people" has no column "balence" and no webhook step saves it \(did you mean balance\?\); its columns are balance, due_date, plan\. Add the column to the list, or change the name$/,
    },
    {
      name: 'a column written with brackets',
      input: withBody(`Due {{ attributes['due date'] }}`),
      columns,
      nodeId: 'reminder',
      path: '/nodes/reminder/config/body',
      message: /reads attributes\["due date"\], but the contact list "people" has no column "due date".*\(did you mean due_date\?\)/,
    },
    {
      name: 'a list with no columns of its own',
      input: withBody('You owe {{ attributes.balance }}'),
      columns: [],
      nodeId: 'reminder',
      path: '/nodes/reminder/config/body',
      message: /has no column "balance" and no webhook step saves it; it has no columns besides the contact fields/,
    },
    {
      name: 'a branch on a column the list lacks',
      input: withStep(
        'route',
        'branch',
        { rules: [{ port: 'vip', conditions: [{ field: 'attributes.tier', op: 'equals', value: 'gold' }] }] },
        { vip: 'gate', else: 'gate' },
      ),
      columns,
      nodeId: 'route',
      path: '/nodes/route/config/rules/0/conditions/0/field',
      message: /^The Branch step 'route': rule 1, condition 1 reads attributes\.tier, but the contact list "people" has no column "tier"/,
    },
    { name: 'columns the list has', input: withBody('You owe {{ attributes.balance }} by {{ attributes.due_date }}'), columns },
    {
      name: 'an attribute a webhook step saves during the journey',
      input: journeyWith((j) => {
        j.nodes.start.next.out = 'crm';
        j.nodes.crm = {
          type: 'webhook',
          position: at,
          config: { url: 'https://crm.example.com/hook', saveAs: 'crmReply' },
          next: { ok: 'gate', error: 'gate' },
        };
        j.nodes.reminder.config.body = 'Your agent is {{ attributes.crmReply.agent }}';
      }),
      columns,
    },
  ];

  it.each(attributeCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const result = validateJourney(c.input, { attributes: { columns: c.columns } });
    if (!c.message) {
      expect(describeProblems(result.problems)).toBe('  (none)');
      return;
    }
    expectProblem(result.problems, { name: c.name, input: c.input, severity: 'warning', nodeId: c.nodeId!, path: c.path!, message: c.message });
    // A warning: the journey can still be published, and a run on a list with the column is fine.
    expect(result.journey).toBeDefined();
  });

  it('names the list the caller gives over the one the Start step names', () => {
    const { problems } = validateJourney(withBody('{{ attributes.x }}'), { attributes: { columns: [], listId: 'march-overdue' } });
    expect(problems[0]?.message).toMatch(/the contact list "march-overdue" has no column "x"/);
  });
});

describe('a version published under earlier rules', () => {
  it('still reads, with unguarded channel steps and unknown contact fields as warnings', () => {
    const old = journeyWith((j) => {
      delete j.nodes.gate;
      j.nodes.start.next.out = 'reminder';
      j.nodes.reminder.config.body = 'Hi {{ contact.first_name }}';
    });
    expect(validateJourney(old).journey).toBeUndefined();
    const result = validateJourney(old, { published: true });
    expect(result.journey).toBeDefined();
    expect(result.problems.map((p) => p.severity)).toEqual(['warning', 'warning']);
  });
});

/** Every kind of step, each with the fewest settings it needs, so that defaults fill in the rest. */
function everyKind(): Doc {
  const node = (type: string, config: unknown, next: Record<string, string> = {}, label?: string) => ({
    type,
    ...(label && { label }),
    position: at,
    config,
    next,
  });
  return {
    $schema: '../schemas/journey.schema.json',
    schemaVersion: 1,
    id: 'every-kind',
    name: 'Every kind of step',
    description: 'One step of each kind.',
    settings: { timezone: 'Europe/London', compliance: 'UK', helpContact: 'call 0800 123 456' },
    nodes: {
      start: node('start', { audience: { list: 'customers' } }, { out: 'ab' }),
      ab: node(
        'split',
        {
          branches: [
            { port: 'a', percent: 30 },
            { port: 'b', percent: 70 },
          ],
        },
        { a: 'crm', b: 'route' },
      ),
      crm: node('webhook', { url: 'https://crm.example.com/contacts/{{ contact.id }}' }, { ok: 'route', error: 'route' }),
      route: node(
        'branch',
        { rules: [{ port: 'vip', conditions: [{ field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }] }] },
        { vip: 'call-gate', else: 'sms-gate' },
      ),
      'sms-gate': node('compliance-gate', { channel: 'sms' }, { allowed: 'text', blocked: 'email-gate' }),
      text: node(
        'sms',
        { body: 'Hi {{ contact.firstName }}, renew at {{ links.renew }}', links: { renew: 'https://example.com/renew' } },
        { sent: 'wait-click', failed: 'email-gate' },
        'Renewal text',
      ),
      'wait-click': node('wait-for-event', { link: 'renew' }, { event: 'done', timeout: 'email-gate' }),
      'email-gate': node('compliance-gate', { channel: 'email' }, { allowed: 'letter', blocked: 'call-gate' }),
      letter: node('email', { subject: 'Your renewal', text: 'Dear {{ contact.firstName }}' }, { sent: 'pause', failed: 'call-gate' }),
      pause: node('wait', { until: { time: '09:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } }, { out: 'call-gate' }),
      'call-gate': node('compliance-gate', {}, { allowed: 'call', blocked: 'done' }),
      call: node('dialer', { queue: 'renewals', callerId }, { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' }),
      done: node('end', {}),
    },
  };
}

describe('a valid journey', () => {
  const result = validateJourney(everyKind());

  it('has no problem', () => {
    expect(describeProblems(result.problems)).toBe('  (none)');
  });

  it('comes back typed, with the defaults of each kind filled in', () => {
    const journey = result.journey!;
    expect(journey).toMatchObject({
      schemaVersion: 1,
      id: 'every-kind',
      name: 'Every kind of step',
      settings: { timezone: 'Europe/London', compliance: 'UK' },
    });
    expect(Object.keys(journey.nodes).sort()).toEqual(Object.keys(everyKind().nodes).sort());

    const call = journey.nodes.call!;
    expect(call.type).toBe('dialer');
    if (call.type !== 'dialer') return;
    // The type narrows on `type`: these are the dialer's own settings, not `unknown`.
    const ring: number = call.config.ringSeconds;
    expect(ring).toBe(20);
    expect(call.config).toEqual({
      mode: 'progressive',
      queue: 'renewals',
      amd: { enabled: true, onMachine: 'hangup', toFreeAgent: true, peopleMissedPercent: 2 },
      ringSeconds: 20,
      callerId,
    });
    expect(call.next).toEqual({ connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' });
    expect(call.id).toBe('call');

    expect(journey.nodes['call-gate']!.config).toEqual({
      channel: 'voice',
      checks: ['hours', 'holidays', 'dnc', 'consent', 'frequency'],
      outsideHours: 'defer',
    });
    expect(journey.nodes.text).toMatchObject({ label: 'Renewal text', config: { trackLinks: true } });
    expect(journey.nodes.letter!.config).toMatchObject({ trackOpens: true, trackLinks: true });
    expect(journey.nodes['wait-click']!.config).toEqual({ event: 'link.clicked', link: 'renew', timeout: 'P2D' });
    expect(journey.nodes.pause!.config).toEqual({ until: { time: '09:00', timezone: 'contact', days: ['mon', 'tue', 'wed', 'thu', 'fri'] } });
    expect(journey.nodes.route!.config).toEqual({
      rules: [{ port: 'vip', match: 'all', conditions: [{ field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }] }],
    });
    expect(journey.nodes.crm!.config).toMatchObject({ method: 'POST', timeoutMs: 5000 });
    expect(journey.nodes.done).toEqual({ id: 'done', type: 'end', position: at, config: { outcome: 'completed' }, next: {} });
  });

  it('does not change the value it was given', () => {
    const input = everyKind();
    validateJourney(input);
    expect(input).toEqual(everyKind());
  });
});
