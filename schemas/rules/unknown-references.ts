// Conditions on the result of a step the journey does not have; waits for a click on a link no message declares.
import { definitionOfStep, nameOf, type Finding, type JourneyGraph } from './graph.ts';

export function unknownReferences(graph: JourneyGraph): Finding[] {
  const declaredLinks = new Set<string>();
  for (const step of graph.steps.values()) {
    const declares = definitionOfStep(step)?.declaresLinks;
    if (declares && step.config !== undefined) for (const link of declares(step.config)) declaredLinks.add(link);
  }
  const found: Finding[] = [];
  for (const step of graph.steps.values()) {
    const def = definitionOfStep(step);
    if (!def || step.config === undefined) continue;
    for (const { path, field } of def.conditionFields?.(step.config) ?? []) {
      const ref = /^results\.([a-z0-9][a-z0-9-]*)\./.exec(field)?.[1];
      if (ref && !graph.steps.has(ref)) {
        found.push({
          path: ['nodes', step.id, 'config', ...path],
          message: `${nameOf(step)} checks the result of '${ref}', which is not a step in this journey; the condition will never hold`,
          nodeId: step.id,
        });
      }
    }
    const link = def.awaitsLink?.(step.config);
    if (link && !declaredLinks.has(link)) {
      found.push({
        path: ['nodes', step.id, 'config', 'link'],
        message: `${nameOf(step)} waits for a click on the link "${link}", but no SMS or email step has a link of that name`,
        nodeId: step.id,
      });
    }
  }
  return found;
}
