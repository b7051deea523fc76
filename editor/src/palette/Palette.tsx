// The palette: every kind of step by category, with its plain description; drag one onto the canvas, or press Enter.
import type { DragEvent } from 'react';
import { definitionOf, nodeKinds, type NodeKind } from '../../../schemas/catalogue.ts';
import { categoryLabels, type NodeCategory } from '../../../schemas/node-definition.ts';
import { kindDragType } from '../canvas/Canvas.tsx';
import { Icon } from '../canvas/icons.tsx';
import { measuredSize, useCanvasView, useViewCentre, type CanvasView } from '../canvas/view.ts';
import { addNode, gridSize, type Point } from '../model/document.ts';
import { useEditor, useEditorStore, type EditorStore } from '../store/editor-store.ts';

const categories = Object.keys(categoryLabels) as NodeCategory[];

/** Adds a step at the middle of the view, below any step already there, so that repeated additions do not stack. */
function addAtCentre(store: EditorStore, view: CanvasView, centre: Point, kind: NodeKind): void {
  const doc = store.getState().doc;
  const newSize = { width: 240, height: 140 };
  const margin = gridSize;
  const taken = (p: Point) =>
    Object.entries(doc.nodes).some(([id, n]) => {
      const size = measuredSize(view, id) ?? newSize;
      return (
        p.x < n.position.x + size.width + margin &&
        n.position.x < p.x + newSize.width + margin &&
        p.y < n.position.y + size.height + margin &&
        n.position.y < p.y + newSize.height + margin
      );
    });
  let position = centre;
  for (let i = 1; i < 200 && taken(position); i++) position = { x: centre.x, y: centre.y + i * gridSize * 2 };
  const added = addNode(doc, kind, position);
  store.edit(added.doc, { selection: { nodes: [added.id], edges: [] } });
}

function onDragStart(event: DragEvent, kind: NodeKind): void {
  event.dataTransfer.setData(kindDragType, kind);
  event.dataTransfer.effectAllowed = 'copy';
}

export function Palette() {
  const store = useEditorStore();
  const view = useCanvasView();
  const viewCentre = useViewCentre();
  const readOnly = useEditor((s) => s.diffView !== undefined);
  return (
    <nav className="palette" aria-label="Steps you can add">
      <h2>Add a step</h2>
      <p className="hint">Drag a step onto the canvas, or select it and press Enter.</p>
      {categories.map((category) => {
        const kinds = nodeKinds.filter((k) => definitionOf(k).category === category);
        if (!kinds.length) return null;
        return (
          <section key={category} aria-labelledby={`palette-${category}`}>
            <h3 id={`palette-${category}`}>{categoryLabels[category]}</h3>
            <ul>
              {kinds.map((kind) => {
                const def = definitionOf(kind);
                return (
                  <li key={kind}>
                    <button
                      type="button"
                      className={`palette-item step-${category}`}
                      draggable={!readOnly}
                      disabled={readOnly}
                      data-kind={kind}
                      onDragStart={(e) => onDragStart(e, kind)}
                      onClick={() => addAtCentre(store, view, viewCentre(), kind)}
                      aria-describedby={`palette-desc-${kind}`}
                    >
                      <span className="palette-icon">
                        <Icon name={def.icon} />
                      </span>
                      <span className="palette-text">
                        <span className="palette-label">{def.label}</span>
                        <span className="palette-desc" id={`palette-desc-${kind}`}>
                          {def.description}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
