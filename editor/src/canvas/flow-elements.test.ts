import { describe, expect, it } from 'vitest';
import { addNode, emptyJourney } from '../model/document.ts';
import { flowNodes, withMeasured, type NodeCache } from './flow-elements.ts';

const none = { nodes: [], edges: [] };

describe('the nodes drawn on a canvas', () => {
  const { doc } = addNode(emptyJourney(), 'start', { x: 0, y: 0 });

  it('keeps the object of a step that did not change, per canvas: two canvases never hand each other their nodes', () => {
    const mine: NodeCache = new Map();
    const theirs: NodeCache = new Map();
    const first = flowNodes(doc, none, {}, undefined, mine);
    expect(flowNodes(doc, none, {}, undefined, mine)[0]).toBe(first[0]);
    expect(flowNodes(doc, none, {}, undefined, theirs)[0]).not.toBe(first[0]);
  });

  it('carries the size React Flow measured, and makes the node anew when it changes', () => {
    const cache: NodeCache = new Map();
    const before = flowNodes(doc, none, {}, undefined, cache)[0]!;
    expect(before.measured).toBeUndefined();
    const after = flowNodes(doc, none, { start: { width: 220, height: 90 } }, undefined, cache)[0]!;
    expect(after).not.toBe(before);
    expect(after.measured).toEqual({ width: 220, height: 90 });
  });

  it('records new measurements, and answers the same sizes when nothing changed', () => {
    const sizes = withMeasured({}, [{ id: 'a', size: { width: 1, height: 2 } }]);
    expect(sizes).toEqual({ a: { width: 1, height: 2 } });
    expect(withMeasured(sizes, [{ id: 'a', size: { width: 1, height: 2 } }])).toBe(sizes);
    expect(withMeasured(sizes, [{ id: 'a', size: { width: 3, height: 2 } }])).toEqual({ a: { width: 3, height: 2 } });
  });
});
