// Validation as the user edits: the shared validator's problems for the document, computed once per version of it.
import type { Problem } from '../../../schemas/problems.ts';
import { validateJourney } from '../../../schemas/validate.ts';
import type { JourneyFile } from './document.ts';

const byDoc = new WeakMap<JourneyFile, { problems: Problem[]; byNode: Map<string, Problem[]> }>();

function compute(doc: JourneyFile) {
  let hit = byDoc.get(doc);
  if (!hit) {
    const problems = validateJourney(doc).problems;
    const byNode = new Map<string, Problem[]>();
    for (const problem of problems) {
      if (problem.nodeId === undefined) continue;
      byNode.set(problem.nodeId, [...(byNode.get(problem.nodeId) ?? []), problem]);
    }
    hit = { problems, byNode };
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
