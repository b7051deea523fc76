// Moves one contact through its journey: enters steps, runs their handlers, and records every move as events.
import { definitionOf } from '../../schemas/catalogue.ts';
import type { EventType } from '../../schemas/events.ts';
import type { JourneyNode } from '../../schemas/journey.ts';
import { handlers } from '../nodes/index.ts';
import type { ContactView, NodeHandler, StepContext, StepOutcome, StepServices } from '../nodes/types.ts';
import { idempotencyKey, type CursorState } from './cursor.ts';
import type { RunContext } from './run-context.ts';
import type { BatchWrites } from './writes.ts';
import { dialQueueWait } from './wait-markers.ts';

/** A journey can hold no loop without a wait, so this bound is only a guard against a bug looping forever. */
const maxStepsPerClaim = 200;

export interface StepEnvironment {
  context: RunContext;
  writes: BatchWrites;
  now: number;
  services: (contact: ContactView) => StepServices;
}

export function recordEvent(
  env: StepEnvironment,
  cursor: CursorState,
  type: EventType,
  data: Record<string, unknown> = {},
  nodeId: string | null = cursor.nodeId,
  port: string | null = null,
): void {
  env.writes.events.push({
    run_id: cursor.runId,
    contact_id: cursor.contactId,
    type,
    time: env.now,
    node_id: nodeId,
    port,
    data: JSON.stringify(data),
  });
}

function nodeOf(env: StepEnvironment, cursor: CursorState): JourneyNode {
  const node = env.context.journey.nodes[cursor.nodeId];
  if (!node) throw new Error(`Run ${cursor.runId}: contact ${cursor.contactId} is at step '${cursor.nodeId}', which its journey version does not have`);
  return node;
}

/** A claimed cursor: a wait whose time is up leaves by the timer port; a ready one runs its step. */
export function advance(env: StepEnvironment, cursor: CursorState, contact: ContactView): void {
  if (cursor.status === 'waiting') {
    const node = nodeOf(env, cursor);
    if (!exit(env, cursor, definitionOf(node.type).timerPort ?? 'out', {})) return;
  }
  run(env, cursor, contact);
}

/** Runs steps until the contact waits, hands off to a channel, or ends. */
function run(env: StepEnvironment, cursor: CursorState, contact: ContactView): void {
  for (let i = 0; i < maxStepsPerClaim; i++) {
    const node = nodeOf(env, cursor);
    if (cursor.attempt === 0) {
      cursor.visit = (cursor.results.visits[node.id] ?? 0) + 1;
      cursor.results.visits[node.id] = cursor.visit;
      recordEvent(env, cursor, 'node.entered', { visit: cursor.visit });
      env.writes.count(cursor.runId, node.id, 'entered');
    }
    const outcome = enter(env, cursor, node, contact);
    for (const event of outcome.type === 'end' ? [] : (outcome.events ?? [])) recordEvent(env, cursor, event.type, event.data);
    if (!settle(env, cursor, outcome)) return;
  }
  throw new Error(`Run ${cursor.runId}: contact ${cursor.contactId} took more than ${maxStepsPerClaim} steps at once`);
}

function enter(env: StepEnvironment, cursor: CursorState, node: JourneyNode, contact: ContactView): StepOutcome {
  const context = {
    runId: cursor.runId,
    journey: env.context.journey,
    node,
    contact,
    results: cursor.results,
    visit: cursor.visit,
    now: env.now,
    services: env.services(contact),
  } as StepContext<typeof node.type>;
  try {
    return (handlers[node.type] as NodeHandler<typeof node.type>).enter(context);
  } catch (error) {
    // A step that cannot do its work (a template reading a missing value) leaves by its failure port where it has one.
    const reason = error instanceof Error ? error.message : String(error);
    const ports = definitionOf(node.type).ports;
    const failure = Array.isArray(ports) ? ports.find((p) => p === 'failed' || p === 'error') : undefined;
    if (failure) return { type: 'exit', port: failure, result: { error: reason } };
    return { type: 'end', outcome: 'error', reason };
  }
}

/** Applies a step's outcome; true when the contact goes straight on to another step. */
function settle(env: StepEnvironment, cursor: CursorState, outcome: StepOutcome): boolean {
  const firstHold = cursor.attempt === 0;
  switch (outcome.type) {
    case 'exit':
      return exit(env, cursor, outcome.port, outcome.result ?? {});
    case 'end':
      finish(env, cursor, outcome.outcome, outcome.reason);
      return false;
    case 'wait':
      hold(env, cursor, firstHold, 'waiting', outcome.until, outcome.event ?? null);
      return false;
    case 'retry':
      cursor.attempt++;
      hold(env, cursor, firstHold, 'ready', outcome.at, null);
      return false;
    case 'send':
      env.writes.outbox.push({
        idempotency_key: idempotencyKey(cursor),
        run_id: cursor.runId,
        contact_id: cursor.contactId,
        node_id: cursor.nodeId,
        channel: outcome.payload.channel,
        payload: JSON.stringify(outcome.payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: env.now,
        created_at: env.now,
        sent_at: null,
        error: null,
      });
      hold(env, cursor, firstHold, 'in-flight', null, null);
      return false;
    case 'dial':
      hold(env, cursor, firstHold, 'in-flight', null, { ...dialQueueWait });
      return false;
  }
}

function hold(
  env: StepEnvironment,
  cursor: CursorState,
  firstHold: boolean,
  status: CursorState['status'],
  dueAt: number | null,
  waitEvent: CursorState['waitEvent'],
): void {
  if (firstHold) env.writes.count(cursor.runId, cursor.nodeId, 'waiting');
  cursor.status = status;
  cursor.dueAt = dueAt;
  cursor.waitEvent = waitEvent;
  env.writes.cursor(cursor);
}

/**
 * Leaves the current step by `port`. True when the contact is now at the next step and should run it; a port with
 * no next step ends the contact's journey there.
 */
export function exit(env: StepEnvironment, cursor: CursorState, port: string, result: Record<string, unknown>): boolean {
  const node = nodeOf(env, cursor);
  const wasHeld = cursor.status !== 'ready' || cursor.attempt > 0;
  if (wasHeld) env.writes.count(cursor.runId, node.id, 'waiting', -1);
  recordEvent(env, cursor, 'node.exited', { visit: cursor.visit, ...result }, node.id, port);
  env.writes.count(cursor.runId, node.id, `port:${port}`);
  if (Object.keys(result).length) cursor.results.steps[node.id] = { ...result, port };
  const next = node.next[port];
  cursor.attempt = 0;
  cursor.waitEvent = null;
  if (!next) {
    finish(env, cursor, `${node.id}.${port}`);
    return false;
  }
  cursor.nodeId = next;
  cursor.status = 'ready';
  cursor.dueAt = env.now;
  env.writes.cursor(cursor);
  return true;
}

function finish(env: StepEnvironment, cursor: CursorState, outcome: string, reason?: string): void {
  recordEvent(env, cursor, 'contact.completed', { outcome, ...(reason && { reason }) });
  env.writes.count(cursor.runId, cursor.nodeId, `outcome:${outcome}`);
  env.writes.count(cursor.runId, '', 'active', -1);
  env.writes.count(cursor.runId, '', `outcome:${outcome}`);
  cursor.status = 'done';
  cursor.dueAt = null;
  cursor.waitEvent = null;
  env.writes.cursor(cursor);
}
