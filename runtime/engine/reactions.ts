// What a reaction or an outcome from outside does: it is recorded, it may move a waiting contact, it may opt one out.
import type { Transaction } from 'kysely';
import type { EventType } from '../../schemas/events.ts';
import { handlers } from '../nodes/index.ts';
import type { ContactView, NodeHandler } from '../nodes/types.ts';
import type { Database, InboxRow } from '../store/schema.ts';
import type { CursorState } from './cursor.ts';
import { exit, recordEvent, type StepEnvironment } from './steps.ts';

/** US carrier and CTIA keywords; START and UNSTOP opt back in. The compliance profiles extend these. */
export const optOutKeywords = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
export const optInKeywords = ['START', 'UNSTOP'];

export function keywordOf(text: string): string | undefined {
  const word = text.trim().split(/\s+/)[0]?.toUpperCase().replace(/[^A-Z]/g, '');
  return word && [...optOutKeywords, ...optInKeywords].includes(word) ? word : undefined;
}

export interface ReactionData {
  nodeId?: string;
  link?: string;
  text?: string;
  /** Set on the event that ends a call: the port its dialer step leaves by, and what to remember of it. */
  exit?: { port: string; visit: number; result?: Record<string, unknown> };
  [key: string]: unknown;
}

export async function applyReaction(tx: Transaction<Database>, env: StepEnvironment, row: InboxRow, cursor: CursorState | undefined, contact: ContactView | undefined): Promise<void> {
  const data = JSON.parse(row.data) as ReactionData;
  const { exit: exitInfo, ...eventData } = data;
  const eventCursor = { runId: row.run_id, contactId: row.contact_id, nodeId: data.nodeId ?? null } as unknown as CursorState;
  recordEvent(env, eventCursor, row.type as EventType, eventData, data.nodeId ?? null);

  if (row.type === 'sms.replied' && contact?.phone && typeof data.text === 'string') {
    const keyword = keywordOf(data.text);
    if (keyword && optOutKeywords.includes(keyword)) {
      await tx
        .insertInto('do_not_contact')
        .values({ channel: 'sms', value: contact.phone, reason: `Replied ${keyword}`, added_at: env.now })
        .onConflict((oc) => oc.columns(['channel', 'value']).doNothing())
        .execute();
      recordEvent(env, eventCursor, 'contact.optedOut', { channel: 'sms', keyword }, data.nodeId ?? null);
    } else if (keyword) {
      await tx.deleteFrom('do_not_contact').where('channel', '=', 'sms').where('value', '=', contact.phone).execute();
      recordEvent(env, eventCursor, 'contact.optedIn', { channel: 'sms', keyword }, data.nodeId ?? null);
    }
  }
  if (row.type === 'email.unsubscribed' && contact?.email) {
    await tx
      .insertInto('do_not_contact')
      .values({ channel: 'email', value: contact.email, reason: 'Unsubscribed by link', added_at: env.now })
      .onConflict((oc) => oc.columns(['channel', 'value']).doNothing())
      .execute();
    recordEvent(env, eventCursor, 'contact.optedOut', { channel: 'email' }, data.nodeId ?? null);
  }

  if (!cursor || cursor.status === 'done') return;
  if (exitInfo && cursor.status === 'in-flight' && cursor.nodeId === data.nodeId && cursor.visit === exitInfo.visit) {
    // Branches read the last call's outcome as lastCall.*; it is whatever call ended most recently.
    if (env.context.journey.nodes[cursor.nodeId]?.type === 'dialer') cursor.results.lastCall = { ...exitInfo.result, port: exitInfo.port };
    exit(env, cursor, exitInfo.port, exitInfo.result ?? {});
    return;
  }
  const awaited = cursor.waitEvent;
  // A reaction after the deadline came too late, even when the clock reaches both in one round: the timer wins.
  const inTime = cursor.dueAt === null || Number(row.due_at) <= cursor.dueAt;
  if (cursor.status === 'waiting' && inTime && awaited?.type === row.type && (!awaited.link || awaited.link === data.link)) {
    const node = env.context.journey.nodes[cursor.nodeId]!;
    const handler = handlers[node.type] as NodeHandler<typeof node.type>;
    exit(env, cursor, handler.eventPort ?? 'event', {});
  }
}
