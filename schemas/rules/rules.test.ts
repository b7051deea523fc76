// Each rule of the journey's shape on its own, on small graphs built here (not through the validator).
import { describe, expect, it } from 'vitest';
import { definitionOf, portsOf, type NodeKind } from '../catalogue.ts';
import { danglingExits } from './dangling-exits.ts';
import type { GraphStep, JourneyGraph } from './graph.ts';
import { graphRules, settingsRules } from './index.ts';
import { loopsWithoutWait } from './loops-without-wait.ts';
import { missingHelpContact } from './missing-help-contact.ts';
import { startSteps } from './start-steps.ts';
import { stepsLeadingToStart } from './steps-leading-to-start.ts';
import { unguardedChannelSteps } from './unguarded-channel-steps.ts';
import { unknownExits } from './unknown-exits.ts';
import { unknownReferences } from './unknown-references.ts';
import { unreachableSteps } from './unreachable-steps.ts';

const configs: Partial<Record<NodeKind, Record<string, unknown>>> = {
  start: { audience: { list: 'people' } },
  sms: { body: 'Hi' },
  email: { subject: 'Hi', text: 'Hello' },
  end: { outcome: 'completed' },
  wait: { duration: 'P1D' },
  branch: { rules: [{ port: 'ny', conditions: [{ field: 'contact.state', op: 'equals', value: 'NY' }] }] },
};

/** A step as the validator leaves it: with its config parsed and its ports, unless `config` is null (an invalid config). */
function step(id: string, kind: NodeKind, next: Record<string, string> = {}, config?: Record<string, unknown> | null): GraphStep {
  if (config === null) return { id, kind, next };
  const parsed = definitionOf(kind).config.parse(config ?? configs[kind] ?? {});
  return { id, kind, next, config: parsed, ports: portsOf(kind, parsed) };
}

function graph(...steps: GraphStep[]): JourneyGraph {
  return { steps: new Map(steps.sort((a, b) => a.id.localeCompare(b.id)).map((s) => [s.id, s])), settings: { helpContact: 'call us' } };
}

/** start → gate (sms) → text → done: every rule is content with it. */
function guardedText(): GraphStep[] {
  return [
    step('start', 'start', { out: 'gate' }),
    step('gate', 'compliance-gate', { allowed: 'text', blocked: 'done' }, { channel: 'sms' }),
    step('text', 'sms', { sent: 'done', failed: 'done' }),
    step('done', 'end'),
  ];
}

describe('the rules together', () => {
  it('find nothing in a sound journey', () => {
    const g = graph(...guardedText());
    for (const { rule } of [...graphRules, ...settingsRules]) expect(rule(g)).toEqual([]);
  });
});

describe('unknownExits', () => {
  it('names an exit the step does not have, and a target that is not a step', () => {
    const g = graph(step('start', 'start', { out: 'nowhere', other: 'done' }), step('done', 'end', { out: 'start' }));
    expect(unknownExits(g)).toEqual([
      {
        path: ['nodes', 'done', 'next', 'out'],
        message: `The End step 'done' is the end of the journey and cannot lead anywhere; remove "next"`,
        nodeId: 'done',
      },
      {
        path: ['nodes', 'start', 'next', 'out'],
        message: `The Start step 'start' leads from "out" to "nowhere", which is not a step in this journey`,
        nodeId: 'start',
      },
      { path: ['nodes', 'start', 'next', 'other'], message: `The Start step 'start' has no exit called "other"; its exits are "out"`, nodeId: 'start' },
    ]);
  });
});

describe('startSteps', () => {
  it('asks for a Start step when there is none', () => {
    expect(startSteps(graph(step('done', 'end')))).toEqual([
      { path: ['nodes'], message: 'The journey has no Start step: add one to say who enters the journey' },
    ]);
  });
  it('names each Start step beyond the first', () => {
    expect(startSteps(graph(step('a', 'start'), step('b', 'start')))).toEqual([
      { path: ['nodes', 'b'], message: "The journey has more than one Start step ('a' and 'b'); keep one", nodeId: 'b' },
    ]);
  });
  it('counts a Start step whose config is invalid', () => {
    expect(startSteps(graph(step('a', 'start', {}, null)))).toEqual([]);
  });
});

describe('stepsLeadingToStart', () => {
  it('finds an exit back to the Start step', () => {
    const g = graph(step('start', 'start', { out: 'pause' }), step('pause', 'wait', { out: 'start' }));
    expect(stepsLeadingToStart(g)).toEqual([
      {
        path: ['nodes', 'pause', 'next', 'out'],
        message: "The Wait step 'pause' leads back to the Start step; contacts enter only once, so connect it to another step",
        nodeId: 'pause',
      },
    ]);
  });
});

describe('unreachableSteps', () => {
  it('finds the steps no path from the Start step reaches', () => {
    const g = graph(step('start', 'start', { out: 'done' }), step('done', 'end'), step('island', 'wait', { out: 'done' }));
    expect(unreachableSteps(g)).toEqual([
      {
        path: ['nodes', 'island'],
        message: "The Wait step 'island' cannot be reached from the Start step; connect a step to it or remove it",
        nodeId: 'island',
      },
    ]);
  });
  it('says nothing without a Start step (startSteps does)', () => {
    expect(unreachableSteps(graph(step('done', 'end')))).toEqual([]);
  });
});

describe('loopsWithoutWait', () => {
  it('finds a loop among steps that do not pause, as the flow goes', () => {
    const g = graph(
      step('start', 'start', { out: 'a' }),
      step('a', 'branch', { ny: 'b', else: 'done' }),
      step('b', 'webhook', { ok: 'a', error: 'done' }, { url: 'https://example.com/hook' }),
      step('done', 'end'),
    );
    expect(loopsWithoutWait(g)).toEqual([
      {
        path: ['nodes', 'a'],
        message:
          "Steps 'a' → 'b' → 'a' form a loop with no Wait in it: a contact would go round without pause. Add a Wait or a Wait for a reaction inside the loop",
        nodeId: 'a',
      },
    ]);
  });
  it('finds a step that leads to itself', () => {
    const g = graph(step('start', 'start', { out: 'a' }), step('a', 'branch', { ny: 'a', else: 'a' }));
    expect(loopsWithoutWait(g).map((f) => f.message)).toEqual([expect.stringMatching(/^Steps 'a' → 'a' form a loop/)]);
  });
  it('accepts a loop through a step that pauses', () => {
    const g = graph(step('start', 'start', { out: 'a' }), step('a', 'branch', { ny: 'w', else: 'w' }), step('w', 'wait', { out: 'a' }));
    expect(loopsWithoutWait(g)).toEqual([]);
  });
});

describe('danglingExits', () => {
  it('notes each exit with no next step, by its label', () => {
    const g = graph(step('start', 'start', { out: 'text' }), step('text', 'sms', { sent: 'done' }), step('done', 'end'));
    expect(danglingExits(g)).toEqual([
      {
        path: ['nodes', 'text', 'next', 'failed'],
        message: `The SMS step 'text' has no next step for "Failed": contacts who leave that way end their journey there`,
        nodeId: 'text',
      },
    ]);
  });
  it('says nothing of a step whose config is invalid (its exits are not known)', () => {
    expect(danglingExits(graph(step('text', 'sms', {}, null)))).toEqual([]);
  });
});

describe('unguardedChannelSteps', () => {
  it('finds a channel step reached around its gate', () => {
    const steps = guardedText();
    steps[1]!.next.blocked = 'text';
    expect(unguardedChannelSteps(graph(...steps))).toEqual([
      {
        path: ['nodes', 'text'],
        message:
          "The SMS step 'text' can be reached without passing a compliance gate for SMS; put one before it so that allowed hours, do-not-contact lists and consent are checked",
        nodeId: 'text',
      },
    ]);
  });
  it('does not take a gate for another channel', () => {
    const steps = guardedText();
    steps[1] = step('gate', 'compliance-gate', { allowed: 'text', blocked: 'done' }, { channel: 'email' });
    expect(unguardedChannelSteps(graph(...steps)).map((f) => f.nodeId)).toEqual(['text']);
  });
  it('does not take a gate whose config is invalid', () => {
    const steps = guardedText();
    steps[1] = step('gate', 'compliance-gate', { allowed: 'text', blocked: 'done' }, null);
    expect(unguardedChannelSteps(graph(...steps)).map((f) => f.nodeId)).toEqual(['text']);
  });
});

describe('unknownReferences', () => {
  it('finds a condition on the result of a step the journey does not have', () => {
    const config = { rules: [{ port: 'yes', conditions: [{ field: 'results.gone.status', op: 'equals', value: 'ok' }] }] };
    const g = graph(step('start', 'start', { out: 'b' }), step('b', 'branch', {}, config));
    expect(unknownReferences(g)).toEqual([
      {
        path: ['nodes', 'b', 'config', 'rules', 0, 'conditions', 0, 'field'],
        message: "The Branch step 'b' checks the result of 'gone', which is not a step in this journey; the condition will never hold",
        nodeId: 'b',
      },
    ]);
  });
  it('finds a wait for a click on a link no message declares, and accepts a declared one', () => {
    const waitFor = (link: string) => step('w', 'wait-for-event', {}, { event: 'link.clicked', link });
    const text = step('text', 'sms', {}, { body: 'Pay at {{ links.pay }}', links: { pay: 'https://example.com/pay' } });
    expect(unknownReferences(graph(text, waitFor('pay')))).toEqual([]);
    expect(unknownReferences(graph(text, waitFor('offer')))).toEqual([
      {
        path: ['nodes', 'w', 'config', 'link'],
        message: `The Wait for a reaction step 'w' waits for a click on the link "offer", but no SMS or email step has a link of that name`,
        nodeId: 'w',
      },
    ]);
  });
});

describe('missingHelpContact', () => {
  it('asks how contacts reach you when the journey texts', () => {
    const g = { ...graph(...guardedText()), settings: {} };
    expect(missingHelpContact(g)).toEqual([
      { path: ['settings', 'helpContact'], message: expect.stringMatching(/^The journey sends texts but does not say how contacts reach you/) },
    ]);
  });
  it('asks nothing of a journey that does not text', () => {
    expect(missingHelpContact({ steps: new Map([['s', step('s', 'start')]]), settings: {} })).toEqual([]);
  });
});
