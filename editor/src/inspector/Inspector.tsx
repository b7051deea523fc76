// The inspector: the settings of the selected step, generated from its kind's schema, or of the journey itself.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { definitionOf, isNodeKind } from '../../../schemas/catalogue.ts';
import { slugPattern } from '../../../schemas/fields.ts';
import { settings as settingsSchema } from '../../../schemas/journey.ts';
import { actions } from '../actions/actions.ts';
import { kindLabel, portLabel, titleOf } from '../canvas/describe.ts';
import { Icon } from '../canvas/icons.tsx';
import { useCanvasView } from '../canvas/view.ts';
import { GatePreview } from '../compliance/GatePreview.tsx';
import { connect, portsOfNode, renameNode, setConfig, updateNode, type FileNode, type JourneyFile } from '../model/document.ts';
import { useEditor, useEditorStore, type EditorStore } from '../store/editor-store.ts';
import type { FieldContext } from './field-context.ts';
import { FieldView } from './FieldView.tsx';
import { fieldId, focusField, pointer } from './pointer.ts';
import { fieldsOf } from './schema-fields.ts';

export function Inspector() {
  const store = useEditorStore();
  const selected = useEditor((s) => (s.selection.nodes.length === 1 && s.selection.edges.length === 0 ? s.selection.nodes[0] : undefined));
  const count = useEditor((s) => s.selection.nodes.length);
  const node = useEditor((s) => (selected ? s.doc.nodes[selected] : undefined));
  const doc = useEditor((s) => s.doc);
  const focusPath = useEditor((s) => s.focusPath);
  const diffing = useEditor((s) => s.diffView !== undefined);

  useEffect(() => {
    if (focusPath === undefined) return;
    // The inspector for the selected step renders first; focus its field on the next frame.
    const frame = requestAnimationFrame(() => {
      focusField(focusPath);
      store.clearFocusPath();
    });
    return () => cancelAnimationFrame(frame);
  }, [focusPath, selected, store]);

  let body: ReactElement | null;
  if (diffing) body = null;
  else if (selected && node) body = <StepInspector id={selected} node={node} doc={doc} />;
  else if (count > 1) body = <p className="hint">{count} steps selected. Drag them together, copy, duplicate or delete them.</p>;
  else body = <JourneySettings doc={doc} />;
  if (body === null) return null;
  return (
    <aside className="inspector" aria-label="Settings">
      {body}
    </aside>
  );
}

function editNode(store: EditorStore, id: string, update: (node: FileNode) => FileNode, field: string): void {
  store.edit(updateNode(store.getState().doc, id, update), { coalesce: `${id}${field}` });
}

function StepInspector({ id, node, doc }: { id: string; node: FileNode; doc: JourneyFile }) {
  const store = useEditorStore();
  const view = useCanvasView();
  const def = isNodeKind(node.type) ? definitionOf(node.type) : undefined;
  const fields = useMemo(() => (def ? fieldsOf(def.config) : []), [def]);
  const context: FieldContext = { doc, nodeId: id, node };
  const base = pointer(['nodes', id]);
  return (
    <>
      <header className="inspector-head">
        <span className="step-icon">
          <Icon name={def?.icon ?? ''} size={22} />
        </span>
        <div>
          <h2>{titleOf(node)}</h2>
          <div className="step-kind">{kindLabel(node.type)}</div>
        </div>
      </header>
      {def && <p className="help">{def.description}</p>}
      <div className="field">
        <label htmlFor={fieldId(`${base}/label`)} className="field-title">
          Name on the canvas
        </label>
        <input
          id={fieldId(`${base}/label`)}
          type="text"
          value={node.label ?? ''}
          placeholder={def?.label}
          maxLength={80}
          onChange={(e) =>
            editNode(
              store,
              id,
              (n) => {
                const { label: _old, ...rest } = n;
                return e.target.value ? { ...rest, label: e.target.value } : rest;
              },
              '/label',
            )
          }
        />
      </div>
      <StepIdField id={id} doc={doc} base={base} />
      {fields.map((spec) => (
        <FieldView
          key={spec.key}
          spec={spec}
          value={node.config[spec.key]}
          path={`${base}/config/${spec.key}`}
          context={context}
          onChange={(value) =>
            editNode(
              store,
              id,
              (n) => {
                const config = { ...n.config };
                if (value === undefined) delete config[spec.key];
                else config[spec.key] = value;
                return setConfig(n, config);
              },
              `/config/${spec.key}`,
            )
          }
        />
      ))}
      {node.type === 'compliance-gate' && <GatePreview key={id} node={node} doc={doc} />}
      <Connections id={id} node={node} doc={doc} base={base} />
      <div className="row-buttons">
        <button type="button" onClick={() => actions.duplicate.perform(store, view)}>
          Duplicate
        </button>
        <button type="button" className="danger" onClick={() => actions.delete.perform(store, view)}>
          Delete step
        </button>
      </div>
    </>
  );
}

/** The step's id in the file; renaming it rewires every connection to it. */
function StepIdField({ id, doc, base }: { id: string; doc: JourneyFile; base: string }) {
  const store = useEditorStore();
  const [text, setText] = useState(id);
  useEffect(() => setText(id), [id]);
  const problem =
    text === id
      ? undefined
      : !slugPattern.test(text)
        ? 'Use lower-case letters, digits and hyphens, for example first-call.'
        : text in doc.nodes
          ? `Another step is already called “${text}”.`
          : undefined;
  return (
    <div className="field">
      <label htmlFor={fieldId(base)} className="field-title">
        Step id
      </label>
      <span className="help" id={`${fieldId(base)}:help`}>
        How the file, reports and other steps refer to this step.
      </span>
      <input
        id={fieldId(base)}
        type="text"
        value={text}
        aria-describedby={`${fieldId(base)}:help`}
        aria-invalid={problem !== undefined}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          const current = store.getState();
          if (slugPattern.test(next) && !(next in current.doc.nodes)) {
            store.edit(renameNode(current.doc, id, next), { coalesce: 'rename', selection: { nodes: [next], edges: [] } });
          }
        }}
        onBlur={() => setText(id)}
      />
      {problem && <span className="field-error">{problem}</span>}
    </div>
  );
}

/** Where each exit leads, as choices: the keyboard way to connect steps. */
function Connections({ id, node, doc, base }: { id: string; node: FileNode; doc: JourneyFile; base: string }) {
  const store = useEditorStore();
  const ports = portsOfNode(node);
  if (!ports.length) return null;
  const targets = Object.entries(doc.nodes).filter(([other, n]) => other !== id && n.type !== 'start');
  return (
    <fieldset className="field">
      <legend>Next steps</legend>
      {ports.map((port) => {
        const path = `${base}/next/${port}`;
        return (
          <div key={port} className="connection">
            <label htmlFor={fieldId(path)}>{portLabel(node, port)}</label>
            <select
              id={fieldId(path)}
              value={node.next?.[port] ?? ''}
              onChange={(e) => store.edit(connect(store.getState().doc, id, port, e.target.value || null))}
            >
              <option value="">The journey ends here</option>
              {targets.map(([other, n]) => (
                <option key={other} value={other}>
                  {titleOf(n)} ({other})
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

const settingsFields = fieldsOf(settingsSchema);

function JourneySettings({ doc }: { doc: JourneyFile }) {
  const store = useEditorStore();
  const context: FieldContext = { doc };
  const set = (key: 'id' | 'name' | 'description', value: string | undefined) => {
    const { [key]: _old, ...rest } = store.getState().doc;
    store.edit((value === undefined ? rest : { ...rest, [key]: value }) as JourneyFile, { coalesce: `/${key}` });
  };
  return (
    <>
      <header className="inspector-head">
        <div>
          <h2>Journey settings</h2>
          <div className="step-kind">Select a step on the canvas to change its settings.</div>
        </div>
      </header>
      <div className="field">
        <label htmlFor={fieldId('/name')} className="field-title">
          Name
        </label>
        <input id={fieldId('/name')} type="text" value={doc.name} onChange={(e) => set('name', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={fieldId('/id')} className="field-title">
          Journey id
        </label>
        <span className="help">The file and the server know the journey by this name.</span>
        <input id={fieldId('/id')} type="text" value={doc.id} onChange={(e) => set('id', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={fieldId('/description')} className="field-title">
          Description
        </label>
        <textarea id={fieldId('/description')} rows={4} value={doc.description ?? ''} onChange={(e) => set('description', e.target.value || undefined)} />
      </div>
      {settingsFields.map((spec) => (
        <FieldView
          key={spec.key}
          spec={spec}
          value={doc.settings[spec.key as keyof JourneyFile['settings']] || undefined}
          path={`/settings/${spec.key}`}
          context={context}
          onChange={(value) => {
            const current = store.getState().doc;
            // An optional setting left empty (no text, no box ticked) is left out of the file; a required one stays, empty,
            // to be flagged.
            const { [spec.key]: _old, ...rest } = current.settings as Record<string, unknown>;
            const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
            const settings = spec.optional && empty ? rest : { ...rest, [spec.key]: value ?? '' };
            store.edit({ ...current, settings: settings as JourneyFile['settings'] }, { coalesce: `/settings/${spec.key}` });
          }}
        />
      ))}
    </>
  );
}
