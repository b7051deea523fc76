// Steps no path from the Start step reaches.
import { definitionOfStep, entrySteps, nameOf, successors, type Finding, type JourneyGraph } from './graph.ts';

export function unreachableSteps(graph: JourneyGraph): Finding[] {
  const start = entrySteps(graph)[0];
  if (!start) return [];
  const reached = new Set<string>([start.id]);
  const queue = [start.id];
  while (queue.length) {
    for (const target of successors(graph, graph.steps.get(queue.shift()!)!)) {
      if (!reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  const found: Finding[] = [];
  for (const step of graph.steps.values()) {
    if (!reached.has(step.id) && !definitionOfStep(step)?.entry) {
      found.push({
        path: ['nodes', step.id],
        message: `${nameOf(step)} cannot be reached from the Start step; connect a step to it or remove it`,
        nodeId: step.id,
      });
    }
  }
  return found;
}
