// The problems panel: everything the shared validator finds, as the user edits; a click goes to the step and field.
import { useState } from 'react';
import type { Problem } from '../../../schemas/problems.ts';
import { problemsOf } from '../model/problems.ts';
import { useServerData } from '../api/server-data.ts';
import { useEditor, useEditorStore, type EditorStore } from '../store/editor-store.ts';

function goTo(store: EditorStore, problem: Problem): void {
  store.selectNode(problem.nodeId, problem.path);
}

export function ProblemsPanel() {
  const store = useEditorStore();
  // Lists arrive from the server after the journey: their columns change which attribute warnings there are.
  useServerData((d) => d.lists);
  const problems = useEditor((s) => problemsOf(s.doc));
  const stepCount = useEditor((s) => Object.keys(s.doc.nodes).length);
  const [open, setOpen] = useState(true);
  // An empty journey lacks a Start step, which is where one begins, not a failure to show in red.
  const listed = stepCount === 0 ? [] : problems;
  const errors = listed.filter((p) => p.severity === 'error').length;
  const warnings = listed.length - errors;
  const summary =
    problems.length === 0
      ? 'No problems: the journey can be published.'
      : `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}${errors ? ' — fix the errors to publish' : ''}`;
  return (
    <section className="problems" aria-label="Problems">
      <h2>
        <button type="button" className="problems-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span className={`dot ${errors ? 'dot-error' : warnings ? 'dot-warning' : stepCount ? 'dot-ok' : ''}`} aria-hidden="true" />
          Problems: <span className="problems-summary">{stepCount === 0 ? 'nothing to check yet.' : summary}</span>
        </button>
      </h2>
      {open && stepCount === 0 && (
        <ul className="problem-list">
          <li className="problem problem-hint">Add a Start step to begin: drag it from the left onto the canvas, or select it there and press Enter.</li>
        </ul>
      )}
      {open && listed.length > 0 && (
        <ul className="problem-list">
          {listed.map((problem, i) => (
            <li key={`${problem.path}:${i}`}>
              <button type="button" className={`problem problem-${problem.severity}`} onClick={() => goTo(store, problem)}>
                <span className="problem-severity">{problem.severity === 'error' ? 'Error' : 'Warning'}</span>
                <span className="problem-message">{problem.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
