// The events of a run as CloudEvents 1.0, read in pages so that a run of millions of events streams out.
import type { CloudEvent } from '../schemas/events.ts';
import type { Executor } from './store/dialect.ts';
import { parseJson } from './store/json.ts';

export interface LoggedEvent extends CloudEvent {
  /** Position in the log: a reader resumes after the last one it saw. */
  seq: number;
}

const pageSize = 1000;

/** Yields a run's events in order, after `after` (a seq), at most `limit` of them. */
export async function* runEvents(db: Executor, runId: string, options: { after?: number; limit?: number } = {}): AsyncGenerator<LoggedEvent> {
  let after = options.after ?? 0;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .where('run_id', '=', runId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(Math.min(pageSize, left))
      .execute();
    for (const row of rows) {
      const data = parseJson(row.data);
      yield {
        specversion: '1.0',
        id: `${runId}/${row.seq}`,
        seq: Number(row.seq),
        source: `/runs/${runId}`,
        type: row.type,
        time: new Date(Number(row.time)).toISOString(),
        ...(row.contact_id !== null && { subject: row.contact_id }),
        datacontenttype: 'application/json',
        data: { ...(row.node_id !== null && { nodeId: row.node_id }), ...(row.port !== null && { port: row.port }), ...data },
      };
    }
    if (rows.length < Math.min(pageSize, left)) return;
    left -= rows.length;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/**
 * One CSV cell. Cells that a spreadsheet would run as a formula (starting with =, +, -, @, or a tab or carriage
 * return) get a leading apostrophe, so that opening an export cannot execute what a contact typed in a reply.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvColumns = ['seq', 'time', 'type', 'subject', 'nodeId', 'port', 'data'] as const;

export function csvRow(event: LoggedEvent): string {
  const { nodeId, port, ...rest } = event.data as { nodeId?: string; port?: string };
  return [event.seq, event.time, event.type, event.subject, nodeId, port, Object.keys(rest).length ? rest : ''].map(csvCell).join(',');
}
