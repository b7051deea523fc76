// Contacts enter once: no step leads back to the Start step.
import { definitionOfStep, nameOf, type Finding, type JourneyGraph } from './graph.ts';

export function stepsLeadingToStart(graph: JourneyGraph): Finding[] {
  const found: Finding[] = [];
  for (const step of graph.steps.values()) {
    for (const [port, target] of Object.entries(step.next)) {
      if (definitionOfStep(graph.steps.get(target))?.entry) {
        found.push({
          path: ['nodes', step.id, 'next', port],
          message: `${nameOf(step)} leads back to the Start step; contacts enter only once, so connect it to another step`,
          nodeId: step.id,
        });
      }
    }
  }
  return found;
}
