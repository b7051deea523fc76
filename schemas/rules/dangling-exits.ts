// Exits with no next step: contacts who leave that way end their journey there.
import { definitionOfStep, nameOf, type Finding, type JourneyGraph } from './graph.ts';

export function danglingExits(graph: JourneyGraph): Finding[] {
  const found: Finding[] = [];
  for (const step of graph.steps.values()) {
    const def = definitionOfStep(step);
    if (!step.ports || !def) continue;
    for (const port of step.ports) {
      if (!(port in step.next)) {
        const portLabel = def.portLabels?.[port] ?? port;
        found.push({
          path: ['nodes', step.id, 'next', port],
          message: `${nameOf(step)} has no next step for "${portLabel}": contacts who leave that way end their journey there`,
          nodeId: step.id,
        });
      }
    }
  }
  return found;
}
