// Validation as the user edits: the shared validator's problems for the document, computed once per version of it.
import type { Problem } from '../../../schemas/problems.ts';
import { validateJourney } from '../../../schemas/validate.ts';
import { serverData } from '../api/server-data.ts';
import type { JourneyFile } from './document.ts';

const byDoc = new WeakMap<JourneyFile, { columns: readonly string[] | undefined; problems: Problem[]; byNode: Map<string, Problem[]> }>();

/** The columns of the list the Start step names, when the server told them: attributes are then checked as you type. */
function startListColumns(doc: JourneyFile): readonly string[] | undefined {
  const start = Object.values(doc.nodes).find((n) => n.type === 'start');
  const listId = (start?.config as { audience?: { list?: unknown } } | undefined)?.audience?.list;
  if (typeof listId !== 'string') return undefined;
  return serverData.getState().lists?.find((l) => l.id === listId)?.columns ?? undefined;
}

function compute(doc: JourneyFile) {
  const columns = startListColumns(doc);
  let hit = byDoc.get(doc);
  if (!hit || hit.columns !== columns) {
    const problems = validateJourney(doc, columns ? { attributes: { columns } } : {}).problems;
    const byNode = new Map<string, Problem[]>();
    for (const problem of problems) {
      if (problem.nodeId === undefined) continue;
      byNode.set(problem.nodeId, [...(byNode.get(problem.nodeId) ?? []), problem]);
    }
    hit = { columns, problems, byNode };
    byDoc.set(doc, hit);
  }
  return hit;
}

export function problemsOf(doc: JourneyFile): Problem[] {
  return compute(doc).problems;
}

const none: Problem[] = [];

export function problemsOfNode(doc: JourneyFile, id: string): Problem[] {
  return compute(doc).byNode.get(id) ?? none;
}

export function errorCount(problems: readonly Problem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}

/** Whether two problem lists say the same, so that a node whose problems did not change is not redrawn. */
export function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return a.length === b.length && a.every((p, i) => p.message === b[i]!.message && p.severity === b[i]!.severity && p.path === b[i]!.path);
}
