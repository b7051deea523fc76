import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { addNode } from '../model/document.ts';
import { createEditorStore, EditorStoreProvider, useEditor } from './editor-store.ts';

/** The name of the journey in the store of the provider around it. */
const Name = () =>
  createElement(
    'span',
    null,
    useEditor((s) => s.doc.name),
  );

describe('the editor store', () => {
  it('records edits, undoes and redoes them, keeping only the selection that still exists', () => {
    const store = createEditorStore();
    const empty = store.getState().doc;
    const { doc, id } = addNode(empty, 'end', { x: 0, y: 0 });
    store.edit(doc, { selection: { nodes: [id], edges: [] } });
    expect(store.getState().history.past).toEqual([empty]);
    store.undo();
    expect(store.getState().doc).toBe(empty);
    expect(store.getState().selection.nodes).toEqual([]);
    store.redo();
    expect(store.getState().doc).toBe(doc);
  });

  it('coalesces typing by the clock it is given', () => {
    let now = 0;
    const store = createEditorStore(undefined, () => now);
    const base = store.getState().doc;
    store.edit({ ...base, name: 'A' }, { coalesce: '/name' });
    now = 100;
    store.edit({ ...store.getState().doc, name: 'AB' }, { coalesce: '/name' });
    expect(store.getState().history.past).toEqual([base]);
  });

  it('makes a drag one entry', () => {
    const store = createEditorStore();
    const base = store.getState().doc;
    store.beginGesture();
    store.updateDuringGesture({ ...base, name: 'moving' });
    store.updateDuringGesture({ ...base, name: 'moved' });
    expect(store.getState().history.past).toEqual([]);
    store.endGesture();
    expect(store.getState().history.past).toEqual([base]);
  });

  it('gives each provider its own store, so that two editors can share a page', () => {
    const first = createEditorStore();
    first.edit({ ...first.getState().doc, name: 'First' });
    const html = renderToString(
      createElement(
        'div',
        null,
        createElement(EditorStoreProvider, { store: first }, createElement(Name)),
        createElement(EditorStoreProvider, null, createElement(Name)),
      ),
    );
    expect(html).toContain('<span>First</span>');
    expect(html).toContain(`<span>${createEditorStore().getState().doc.name}</span>`);
  });
});
