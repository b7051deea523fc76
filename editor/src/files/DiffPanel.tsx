// The side panel of a comparison: what was added, removed and changed, with the fields that changed.
import { definitionOf, isNodeKind } from '../../../schemas/catalogue.ts';
import type { FieldChange, NodeRef } from '../../../schemas/diff.ts';
import { fieldName } from '../../../schemas/issue-messages.ts';
import { settings } from '../../../schemas/journey.ts';
import { describeDuration } from '../../../schemas/nodes/wait.ts';
import { elideUnchanged, wordDiff } from '../../../schemas/word-diff.ts';
import { portLabel } from '../canvas/describe.ts';
import type { JourneyFile } from '../model/document.ts';
import { useEditor, useEditorStore, type DiffView } from '../store/editor-store.ts';
import { restoreVersion } from './file-actions.ts';
import type { VersionRef } from './journey-address.ts';

const topLevel: Record<string, string> = { label: 'Name on the canvas', type: 'Kind of step', name: 'Name', id: 'Journey id', description: 'Description' };

/** `config.amd.enabled` reads as the inspector names it, "Answering machines › Detect answering machines". */
function fieldTitle(type: string | undefined, field: string): string {
  const [head, ...rest] = field.split('.');
  const path = rest.flatMap((part) =>
    part
      .split(/\[(\d+)\]/)
      .filter(Boolean)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
  );
  if (head === 'config' && type && isNodeKind(type)) return fieldName(definitionOf(type).config, path) ?? field;
  if (head === 'settings') return fieldName(settings, path) ?? field;
  return topLevel[field] ?? field;
}

function stepName(doc: JourneyFile, id: string | null): string {
  if (id === null) return '(the journey ends)';
  const node = doc.nodes[id];
  return node?.label ?? id;
}

const maxShown = 140;

/** An ISO 8601 duration as the file keeps it (`PT48H`, `P1DT2H`); a manager reads "48 hours". */
const isoDuration = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function show(value: unknown): string {
  if (value === null || value === undefined) return '(not set)';
  if (typeof value === 'string' && isoDuration.test(value)) return describeDuration(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > maxShown ? `${text.slice(0, maxShown - 3)}…` : text;
}

/** Old and new side by side; a long text as its changed words in place, since both cut short could look the same. */
function Change({ change }: { change: FieldChange }) {
  const { old: before, new: after } = change;
  if (typeof before === 'string' && typeof after === 'string' && (before.length > maxShown || after.length > maxShown)) {
    return (
      <span className="word-diff">
        {elideUnchanged(wordDiff(before, after)).map((part, i) =>
          part.kind === 'removed' ? <del key={i}>{part.text}</del> : part.kind === 'added' ? <ins key={i}>{part.text}</ins> : <span key={i}>{part.text}</span>,
        )}
      </span>
    );
  }
  return (
    <>
      <del>{show(before)}</del> → <ins>{show(after)}</ins>
    </>
  );
}

function versionName(v: VersionRef): string {
  return v === 'draft' ? 'the draft' : `version ${v}`;
}

function name(n: NodeRef): string {
  return `${n.label ?? n.id} (${isNodeKind(n.type) ? definitionOf(n.type).label : n.type})`;
}

function Fields({ fields, type }: { fields: FieldChange[]; type?: string }) {
  return (
    <ul className="diff-fields">
      {fields.map((f) => (
        <li key={f.field}>
          <span title={f.field}>{fieldTitle(type, f.field)}</span>: <Change change={f} />
        </li>
      ))}
    </ul>
  );
}

export function DiffPanel() {
  const store = useEditorStore();
  const view = useEditor((s) => s.diffView);
  if (!view) return null;
  return (
    <aside className="inspector diff-panel" aria-label="Differences">
      <header className="inspector-head">
        <div>
          <h2>{view.restorable === undefined ? 'Differences' : `Version ${view.restorable}`}</h2>
          <div className="step-kind">
            {view.restorable === undefined ? `From ${versionName(view.from)} to ${versionName(view.to)}` : `As published; below, how it differs from the draft`}
          </div>
        </div>
      </header>
      <p className="legend">
        <span className="swatch diff-added" /> added <span className="swatch diff-removed" /> removed <span className="swatch diff-changed" /> changed
      </p>
      <DiffDetails view={view} />
      <div className="row-buttons">
        {view.restorable !== undefined && (
          <button type="button" className="primary" onClick={() => restoreVersion(store)}>
            Restore version {view.restorable} as the draft
          </button>
        )}
        <button type="button" className={view.restorable === undefined ? 'primary' : ''} onClick={() => store.showDiff(undefined)}>
          Back to editing
        </button>
      </div>
    </aside>
  );
}

/** What was added, removed, changed and rewired from `before` to `after`; also what a save conflict shows. */
export function DiffDetails({ view }: { view: Pick<DiffView, 'diff' | 'before' | 'after'> }) {
  const { diff } = view;
  const nothing = !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.rewired.length && !diff.document.length;
  return (
    <>
      {nothing && <p>No differences{diff.moved.length ? ', except steps moved on the canvas' : ''}.</p>}
      {diff.document.length > 0 && (
        <section>
          <h3>Journey</h3>
          <Fields fields={diff.document} />
        </section>
      )}
      {diff.added.length > 0 && (
        <section>
          <h3>Added</h3>
          <ul>
            {diff.added.map((n) => (
              <li key={n.id}>
                {name(n)}
                {n.summary && <div className="hint">{n.summary}</div>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.removed.length > 0 && (
        <section>
          <h3>Removed</h3>
          <ul>
            {diff.removed.map((n) => (
              <li key={n.id}>{name(n)}</li>
            ))}
          </ul>
        </section>
      )}
      {diff.changed.length > 0 && (
        <section>
          <h3>Changed</h3>
          <ul>
            {diff.changed.map((n) => (
              <li key={n.id}>
                {name(n)}
                <Fields fields={n.fields} type={n.type} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.rewired.length > 0 && (
        <section>
          <h3>Connections</h3>
          <ul>
            {diff.rewired.map((r) => (
              <li key={`${r.id}:${r.port}`}>
                {stepName(view.after, r.id)}, exit “{view.after.nodes[r.id] ? portLabel(view.after.nodes[r.id]!, r.port) : r.port}”:{' '}
                {stepName(view.before, r.old)} → {stepName(view.after, r.new)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {diff.moved.length > 0 && <p className="hint">Moved on the canvas only: {diff.moved.join(', ')}.</p>}
    </>
  );
}
