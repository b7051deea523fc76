// Every step that reaches the contact on a channel sits behind a compliance gate for that channel.
import type { Channel } from '../node-definition.ts';
import { definitionOfStep, entrySteps, nameOf, type Finding, type JourneyGraph } from './graph.ts';

const channels: readonly Channel[] = ['voice', 'sms', 'email'];
const channelNames: Record<Channel, string> = { voice: 'calls', sms: 'SMS', email: 'email' };

export function unguardedChannelSteps(graph: JourneyGraph): Finding[] {
  const start = entrySteps(graph)[0];
  if (!start) return [];
  const found: Finding[] = [];
  for (const channel of channels) {
    for (const id of unguarded(graph, start.id, channel)) {
      const step = graph.steps.get(id)!;
      if (definitionOfStep(step)?.channel === channel) {
        found.push({
          path: ['nodes', id],
          message: `${nameOf(step)} can be reached without passing a compliance gate for ${channelNames[channel]}; put one before it so that allowed hours, do-not-contact lists and consent are checked`,
          nodeId: id,
        });
      }
    }
  }
  return found;
}

/** Steps reachable from the start without leaving a gate for `channel` by the exit it lets checked contacts through. */
function unguarded(graph: JourneyGraph, startId: string, channel: Channel): Set<string> {
  const seen = new Set<string>([startId]);
  const queue = [startId];
  while (queue.length) {
    const step = graph.steps.get(queue.shift()!)!;
    const guards = definitionOfStep(step)?.guards;
    const passes = guards && step.config !== undefined && guards.channel(step.config) === channel ? guards.port : undefined;
    for (const [port, target] of Object.entries(step.next)) {
      if (port === passes) continue;
      if (graph.steps.has(target) && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}
