// Exits a step does not have, and exits that lead to a step the journey does not have.
import { nameOf, type Finding, type JourneyGraph } from './graph.ts';

export function unknownExits(graph: JourneyGraph): Finding[] {
  const found: Finding[] = [];
  for (const step of graph.steps.values()) {
    for (const [port, target] of Object.entries(step.next)) {
      const path = ['nodes', step.id, 'next', port];
      const name = nameOf(step);
      if (step.ports && !step.ports.includes(port)) {
        found.push({
          path,
          message: step.ports.length
            ? `${name} has no exit called "${port}"; its exits are ${step.ports.map((p) => `"${p}"`).join(', ')}`
            : `${name} is the end of the journey and cannot lead anywhere; remove "next"`,
          nodeId: step.id,
        });
      }
      if (typeof target === 'string' && !graph.steps.has(target)) {
        found.push({ path, message: `${name} leads from "${port}" to "${target}", which is not a step in this journey`, nodeId: step.id });
      }
    }
  }
  return found;
}
