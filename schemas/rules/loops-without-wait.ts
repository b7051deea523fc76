// A loop is only safe when a step that pauses (a wait) slows it down: cycles among the steps that do not pause.
import { definitionOfStep, successors, type Finding, type GraphStep, type JourneyGraph } from './graph.ts';

export function loopsWithoutWait(graph: JourneyGraph): Finding[] {
  const moves = (step: GraphStep | undefined) => !definitionOfStep(step)?.pauses;
  const moving = [...graph.steps.values()].filter(moves);
  const movingEdges = (step: GraphStep) => successors(graph, step).filter((target) => moves(graph.steps.get(target)));
  const found: Finding[] = [];
  for (const component of stronglyConnected(moving, movingEdges)) {
    const first = component[0]!;
    const selfLoop = component.length === 1 && successors(graph, graph.steps.get(first)!).includes(first);
    if (component.length < 2 && !selfLoop) continue;
    const loop = loopThrough(first, new Set(component), (id) => movingEdges(graph.steps.get(id)!));
    found.push({
      path: ['nodes', first],
      message: `Steps ${loop.map((id) => `'${id}'`).join(' → ')} form a loop with no Wait in it: a contact would go round without pause. Add a Wait or a Wait for a reaction inside the loop`,
      nodeId: first,
    });
  }
  return found;
}

/** A loop from `start` back to itself along real edges inside one component, for a message that reads as the flow. */
function loopThrough(start: string, members: Set<string>, successors: (id: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of [...successors(id)].sort()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = id; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Tarjan's algorithm; components come out in a deterministic order, each sorted by id. */
function stronglyConnected<N extends { id: string }>(items: N[], successors: (n: N) => string[]): string[][] {
  const byId = new Map(items.map((n) => [n.id, n]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    for (const next of successors(byId.get(id)!)) {
      if (!byId.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id)!, index.get(next)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      out.push(component.sort());
    }
  };
  for (const item of items) if (!index.has(item.id)) visit(item.id);
  return out;
}
