// One contact's place in a run, in memory while a batch works on it, and its conversion to and from the row.
import type { Insertable } from 'kysely';
import type { Results, WaitEvent } from '../nodes/types.ts';
import { parseJson } from '../store/json.ts';
import type { CursorStatus, CursorTable } from '../store/schema.ts';
import type { Cursor as CursorRow } from '../store/schema.ts';

export interface CursorState {
  runId: string;
  contactId: string;
  nodeId: string;
  status: CursorStatus;
  dueAt: number | null;
  visit: number;
  /** 0 on entering a step; counts re-runs of the step (a gate holding the contact). */
  attempt: number;
  /** What a waiting contact waits for: a reaction, the dial queue, or a placed call. */
  waitEvent: WaitEvent | null;
  results: Results;
}

export function fromRow(row: CursorRow): CursorState {
  return {
    runId: row.run_id,
    contactId: row.contact_id,
    nodeId: row.node_id,
    status: row.status,
    dueAt: row.due_at,
    visit: row.visit,
    attempt: row.attempt,
    waitEvent: row.wait_event ? parseJson(row.wait_event) : null,
    results: parseJson(row.results),
  };
}

export function toRow(c: CursorState): Insertable<CursorTable> {
  return {
    run_id: c.runId,
    contact_id: c.contactId,
    node_id: c.nodeId,
    status: c.status,
    due_at: c.dueAt,
    visit: c.visit,
    attempt: c.attempt,
    wait_event: c.waitEvent ? JSON.stringify(c.waitEvent) : null,
    results: JSON.stringify(c.results),
  };
}

export function emptyResults(): Results {
  return { steps: {}, visits: {} };
}

/** Idempotency key of the step visit the cursor is on: the same send is never made twice for it. */
export function idempotencyKey(c: Pick<CursorState, 'runId' | 'contactId' | 'nodeId' | 'visit'>): string {
  return `${c.runId}:${c.contactId}:${c.nodeId}:${c.visit}`;
}

export { visitKey } from '../random.ts';
