// What a reaction or an outcome from outside does: it is recorded, it may move a waiting contact, it may opt one out.
import type { Transaction } from 'kysely';
import { helpReply, smsKeyword } from '../compliance/keywords.ts';
import { recordAbandonedCall } from '../store/repositories/compliance.ts';
import { optIn, optOut, scopeOfRun } from '../store/repositories/permissions.ts';
import { parseJson } from '../store/json.ts';
import { outcomeOptOuts } from '../dialer/outcome-meanings.ts';
import { handlers } from '../nodes/index.ts';
import type { ContactView, NodeHandler } from '../nodes/types.ts';
import type { Database, InboxRow } from '../store/schema.ts';
import type { CursorState } from './cursor.ts';
import { exit, recordEvent, type StepEnvironment } from './steps.ts';

export interface ReactionData {
  nodeId?: string;
  link?: string;
  text?: string;
  /** Set on the event that ends a call: the port its dialer step leaves by, and what to remember of it. */
  exit?: { port: string; visit: number; result?: Record<string, unknown> };
  [key: string]: unknown;
}

export async function applyReaction(
  tx: Transaction<Database>,
  env: StepEnvironment,
  row: InboxRow,
  cursor: CursorState | undefined,
  contact: ContactView | undefined,
): Promise<void> {
  const data = parseJson(row.data);
  const { exit: exitInfo, ...eventData } = data;
  const eventCursor = { runId: row.run_id, contactId: row.contact_id, nodeId: data.nodeId ?? null } as unknown as CursorState;
  recordEvent(env, eventCursor, row.type, eventData, data.nodeId ?? null);

  // A simulated run's opt-outs go to its own scope: they hold its own contacts and never reach a live run.
  const run = env.context.run;
  const change = { scope: scopeOfRun(run), runId: run.id, contactId: row.contact_id, at: env.now };
  if (row.type === 'sms.replied' && contact?.phone && typeof data.text === 'string') {
    // The journey's profile decides which words opt out; opt-outs are recorded at once, well within any deadline.
    const found = smsKeyword(data.text, env.context.journey.settings.compliance);
    const keyword = found?.keyword;
    if (found?.kind === 'opt-out') {
      await optOut(tx, { ...change, channel: 'sms', value: contact.phone, reason: `Replied ${keyword}`, source: 'reply', actor: 'contact' });
      recordEvent(env, eventCursor, 'contact.optedOut', { channel: 'sms', keyword, source: 'reply' }, data.nodeId ?? null);
    } else if (found?.kind === 'opt-in') {
      await optIn(tx, { ...change, channel: 'sms', value: contact.phone, reason: `Replied ${keyword}`, source: 'reply', actor: 'contact' });
      recordEvent(env, eventCursor, 'contact.optedIn', { channel: 'sms', keyword, source: 'reply' }, data.nodeId ?? null);
    } else if (found?.kind === 'help') {
      // Answered through the outbox like any send, once per reply (the inbox row's id is in the key). It belongs
      // to no step ('' is never a step id), so its answer moves no contact.
      env.writes.outbox.push({
        idempotency_key: `${row.run_id}:${row.contact_id}:help:${row.id}`,
        run_id: row.run_id,
        contact_id: row.contact_id,
        node_id: '',
        channel: 'sms',
        payload: JSON.stringify({
          channel: 'sms',
          to: contact.phone,
          body: helpReply(env.context.journey.settings.compliance, env.context.journey.name, env.context.journey.settings.helpContact),
        }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: env.now,
        created_at: env.now,
        sent_at: null,
        error: null,
      });
    }
  }
  // A simulation's abandoned calls are read back from its own events: its clock's times stay out of shared tables.
  if (row.type === 'call.abandoned' && contact?.phone && !run.simulated) {
    await recordAbandonedCall(tx, { phone: contact.phone, at: Number(row.due_at), runId: row.run_id });
  }
  if ((row.type === 'email.unsubscribed' || row.type === 'email.complained') && contact?.email) {
    const complaint = row.type === 'email.complained';
    const reason = complaint ? 'Marked an email as spam' : 'Unsubscribed by link';
    const source = complaint ? 'complaint' : 'unsubscribe';
    await optOut(tx, { ...change, channel: 'email', value: contact.email, reason, source, actor: 'contact' });
    recordEvent(env, eventCursor, 'contact.optedOut', { channel: 'email', source }, data.nodeId ?? null);
  }
  if (row.type === 'call.ended' && data.port === 'connected' && contact && typeof data.disposition === 'string') {
    // An outcome that means "do not call" (or text, or email) reaches the lists for every journey, not only this one,
    // as the call ends: the request was made on the call, and the agent's wrap-up must not delay it.
    const node = data.nodeId ? env.context.journey.nodes[data.nodeId] : undefined;
    const channels = node?.type === 'dialer' ? outcomeOptOuts(node.config, data.disposition) : [];
    const agentId = typeof data.agentId === 'string' ? data.agentId : null;
    // The list names the agent as people know them; a simulated agent has no row and goes by its id.
    const agentRow = agentId && channels.length ? await tx.selectFrom('agents').select('name').where('id', '=', agentId).executeTakeFirst() : undefined;
    const agent = agentRow?.name ?? agentId;
    for (const channel of channels) {
      const value = channel === 'email' ? contact.email : contact.phone;
      if (!value) continue;
      const added = await optOut(tx, { ...change, channel, value, reason: `Call outcome "${data.disposition}"`, source: 'agent', actor: agent });
      if (added)
        recordEvent(
          env,
          eventCursor,
          'contact.optedOut',
          { channel, source: 'agent', disposition: data.disposition, ...(agentId && { agentId }), ...(agent && { agent }) },
          data.nodeId ?? null,
        );
    }
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
