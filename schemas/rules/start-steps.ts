// A journey has exactly one Start step.
import { entrySteps, type Finding, type JourneyGraph } from './graph.ts';

export function startSteps(graph: JourneyGraph): Finding[] {
  const starts = entrySteps(graph);
  const found: Finding[] = [];
  if (starts.length === 0) found.push({ path: ['nodes'], message: 'The journey has no Start step: add one to say who enters the journey' });
  for (const extra of starts.slice(1)) {
    found.push({
      path: ['nodes', extra.id],
      message: `The journey has more than one Start step ('${starts[0]!.id}' and '${extra.id}'); keep one`,
      nodeId: extra.id,
    });
  }
  return found;
}
