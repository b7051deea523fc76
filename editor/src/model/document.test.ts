import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJourney } from '../../../schemas/format.ts';
import { validateJourney } from '../../../schemas/validate.ts';
import { addNode, asJourneyFile, cloneNodes, connect, emptyJourney, removeNodes, renameNode, setConfig, type JourneyFile } from './document.ts';

const exampleText = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'missed-payment.journey.json'), 'utf8');
const example = () => asJourneyFile(JSON.parse(exampleText))!;

describe('editing the journey file', () => {
  it('reads a journey file and writes it back byte for byte', () => {
    expect(formatJourney(example())).toBe(exampleText);
  });

  it('renames a step and every connection to it', () => {
    const doc = renameNode(example(), 'call-gate', 'phone-gate');
    expect(doc.nodes['call-gate']).toBeUndefined();
    expect(doc.nodes['sms-gate']!.next!.blocked).toBe('phone-gate');
    expect(doc.nodes['payment-text']!.next!.failed).toBe('phone-gate');
    expect(validateJourney(doc).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(renameNode(doc, 'phone-gate', 'sms-gate')).toBe(doc);
  });

  it('removes steps with the connections into them, and leaves end steps without an empty next', () => {
    const doc = removeNodes(example(), new Set(['texted']));
    expect(doc.nodes['missed-call-text']!.next).toEqual({ failed: 'not-reached' });
    const cut = connect(connect(doc, 'missed-call-text', 'failed', null), 'missed-call-text', 'sent', null);
    expect('next' in cut.nodes['missed-call-text']!).toBe(false);
  });

  it('moves a connection along when a branch path is renamed', () => {
    const doc = example();
    const branch = doc.nodes['call-result']!;
    const rules = structuredClone(branch.config.rules) as { port: string }[];
    rules[1]!.port = 'paid-now';
    const renamed = setConfig(branch, { ...branch.config, rules });
    expect(renamed.next).toEqual({ 'promise-to-pay': 'promised', 'paid-now': 'paid', else: 'no-promise' });
  });

  it('pastes copies with fresh ids, keeping only the connections among the copies', () => {
    const doc = example();
    const { doc: pasted, ids } = cloneNodes(
      doc,
      { 'call-gate': doc.nodes['call-gate']!, 'collections-call': doc.nodes['collections-call']! },
      { x: 40, y: 40 },
    );
    expect(ids).toEqual(['call-gate-2', 'collections-call-2']);
    expect(pasted.nodes['call-gate-2']!.next).toEqual({ allowed: 'collections-call-2' });
    expect(pasted.nodes['call-gate-2']!.position).toEqual({ x: 1160, y: 360 });
  });

  it('adds a step with its kind’s defaults on the grid', () => {
    const { doc, id } = addNode(emptyJourney(), 'compliance-gate', { x: 13, y: 29 });
    expect(id).toBe('compliance-gate');
    expect(doc.nodes[id]).toEqual({
      type: 'compliance-gate',
      position: { x: 20, y: 20 },
      config: { channel: 'voice', checks: ['hours', 'holidays', 'dnc', 'consent', 'frequency'], outsideHours: 'defer' },
    });
    expect(addNode(doc, 'compliance-gate', { x: 0, y: 0 }).id).toBe('compliance-gate-2');
  });

  it('refuses what is not a journey', () => {
    expect(asJourneyFile([])).toBeUndefined();
    expect(asJourneyFile({ nodes: 3 })).toBeUndefined();
    const file: JourneyFile | undefined = asJourneyFile({ nodes: {} });
    expect(file?.nodes).toEqual({});
  });
});
