// Finding the send a provider's later report is about: by the id the provider gave it, or by the number texted.
import { sql } from 'kysely';
import { jsonText, type Store } from '../dialect.ts';

export interface SentMessage {
  runId: string;
  contactId: string;
  /** The step that sent it; '' for an answer to a contact's own message (HELP), which belongs to no step. */
  nodeId: string;
}

/** The accepted send of a live run that a provider knows as `providerId` on `channel`, if it is one of ours. */
export async function sentByProviderId(store: Store, channel: 'sms' | 'email', providerId: string): Promise<SentMessage | undefined> {
  const row = await store.db
    .selectFrom('outbox')
    .innerJoin('runs', 'runs.id', 'outbox.run_id')
    .select(['outbox.run_id', 'outbox.contact_id', 'outbox.node_id'])
    .where('outbox.provider_id', '=', providerId)
    .where('outbox.channel', '=', channel)
    // A real provider reports only what it was really given.
    .where('runs.simulated', '=', 0)
    .orderBy('outbox.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { runId: row.run_id, contactId: row.contact_id, nodeId: row.node_id };
}

/**
 * The contact of the live run that most recently texted `phone` (E.164), and the step that texted: a reply from that
 * number is taken as an answer to that text. Simulated runs never text anyone, so their sends do not count.
 */
export async function lastLiveTextTo(store: Store, phone: string): Promise<SentMessage | undefined> {
  const row = await store.db
    .selectFrom('outbox')
    .innerJoin('runs', 'runs.id', 'outbox.run_id')
    .select(['outbox.run_id', 'outbox.contact_id', 'outbox.node_id'])
    // Written out, not bound, so that both databases see the condition of the partial index on recipients.
    .where('outbox.channel', '=', sql.lit('sms'))
    .where('outbox.provider_id', 'is not', null)
    .where(jsonText(store.dialect, 'outbox.payload', 'to'), '=', phone)
    .where('outbox.status', '=', 'sent')
    .where('runs.simulated', '=', 0)
    .orderBy('outbox.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { runId: row.run_id, contactId: row.contact_id, nodeId: row.node_id };
}
