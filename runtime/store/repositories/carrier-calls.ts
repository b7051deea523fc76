// Calls placed through a real carrier: the call recorded under its key before the provider is asked, the dialer's
// requests about it until they are sent, the moments the provider reported (once each, heard in order by the dialer's
// next round) and the carrier's own figures of duration and price.
import type { CallFigures, CallProgress, CarrierCommand } from '../../dialer/carrier.ts';
import type { Executor } from '../dialect.ts';
import { parseJson } from '../json.ts';
import type { CarrierRequestTable } from '../schema.ts';

export interface CarrierCallRef {
  key: string;
  runId: string;
  nodeId: string;
  contactId: string;
  carrier: string;
}

/**
 * Records a call and the request to place it, in the dialer's round: nothing reaches the provider before this commits,
 * and a second attempt with the same key finds the first and adds nothing.
 */
export async function recordCarrierCall(
  db: Executor,
  call: CarrierCallRef,
  command: Extract<CarrierCommand, { kind: 'place' }> | undefined,
  at: number,
): Promise<void> {
  await db
    .insertInto('carrier_calls')
    .values({ call_key: call.key, run_id: call.runId, node_id: call.nodeId, contact_id: call.contactId, carrier: call.carrier, created_at: at, answered: 0 })
    .onConflict((oc) => oc.column('call_key').doNothing())
    .execute();
  if (command) await queueCarrierCommand(db, call.key, command, at);
}

/** Queues a request about a call; one of each kind per call, so a repeat changes nothing. */
export async function queueCarrierCommand(db: Executor, key: string, command: CarrierCommand, at: number): Promise<void> {
  await db
    .insertInto('carrier_requests')
    .values({ call_key: key, kind: command.kind, payload: JSON.stringify(command), status: 'pending', attempts: 0, next_attempt_at: at, created_at: at })
    .onConflict((oc) => oc.columns(['call_key', 'kind']).doNothing())
    .execute();
}

/** How many of the carrier's calls are under way (recorded and not reported over), across every run. */
export async function carrierCallsUnderWay(db: Executor, carrier: string): Promise<number> {
  const row = await db
    .selectFrom('carrier_calls')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('carrier', '=', carrier)
    .where('ended_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface DueCarrierRequest {
  key: string;
  command: CarrierCommand;
  attempts: number;
  createdAt: number;
  providerCallId: string | undefined;
  answered: boolean;
}

/**
 * Claims the carrier's requests due by `now`, oldest first, pushing each one's next attempt out by `leaseMs`: no other
 * worker sends them meanwhile, and after a crash they go again once the lease runs out (placing looks the call up
 * before it places again; the other requests are the same whether sent once or twice).
 */
export async function claimCarrierRequests(db: Executor, carrier: string, now: number, leaseMs: number, limit = 100): Promise<DueCarrierRequest[]> {
  const due = await db
    .selectFrom('carrier_requests')
    .innerJoin('carrier_calls', 'carrier_calls.call_key', 'carrier_requests.call_key')
    .select(['carrier_requests.call_key', 'carrier_requests.kind'])
    .where('carrier_calls.carrier', '=', carrier)
    .where('carrier_requests.status', '=', 'pending')
    .where('carrier_requests.next_attempt_at', '<=', now)
    .orderBy('carrier_requests.next_attempt_at')
    .orderBy('carrier_requests.created_at')
    .limit(limit)
    .execute();
  const claimed: DueCarrierRequest[] = [];
  for (const { call_key, kind } of due) {
    // Claimed one by one with a guarded update: the worker whose update moved the row owns it until the lease ends.
    const updated = await db
      .updateTable('carrier_requests')
      .set({ next_attempt_at: now + leaseMs })
      .where('call_key', '=', call_key)
      .where('kind', '=', kind)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .returningAll()
      .executeTakeFirst();
    if (!updated) continue;
    const call = await db.selectFrom('carrier_calls').select(['provider_call_id', 'answered']).where('call_key', '=', call_key).executeTakeFirstOrThrow();
    claimed.push({
      key: call_key,
      command: parseJson(updated.payload) as CarrierCommand,
      attempts: Number(updated.attempts),
      createdAt: Number(updated.created_at),
      providerCallId: call.provider_call_id ?? undefined,
      answered: Number(call.answered) === 1,
    });
  }
  return claimed;
}

/** The answer to a sent request, recorded. */
export async function settleCarrierRequest(
  db: Executor,
  key: string,
  kind: CarrierCommand['kind'],
  change: Pick<CarrierRequestTable, 'status' | 'attempts' | 'next_attempt_at' | 'error'> & { done_at?: number },
): Promise<void> {
  await db.updateTable('carrier_requests').set(change).where('call_key', '=', key).where('kind', '=', kind).execute();
}

/** The provider's id of a placed call, once it took the request. */
export async function setProviderCallId(db: Executor, key: string, providerCallId: string): Promise<void> {
  await db.updateTable('carrier_calls').set({ provider_call_id: providerCallId }).where('call_key', '=', key).execute();
}

/** The carrier's own figures of a call, as far as they are known. */
export async function setCallFigures(db: Executor, key: string, figures: CallFigures): Promise<void> {
  const set = {
    ...(figures.durationSeconds !== undefined && { duration_seconds: figures.durationSeconds }),
    ...(figures.price !== undefined && { price: figures.price }),
    ...(figures.priceUnit !== undefined && { price_unit: figures.priceUnit }),
  };
  if (Object.keys(set).length) await db.updateTable('carrier_calls').set(set).where('call_key', '=', key).execute();
}

export interface CarrierCallRow {
  key: string;
  runId: string;
  nodeId: string;
  contactId: string;
  answered: boolean;
  endedAt: number | undefined;
}

/** A live call the carrier knows as `providerCallId`, if it is one of ours. */
export async function carrierCallByProviderId(db: Executor, providerCallId: string): Promise<CarrierCallRow | undefined> {
  const row = await db.selectFrom('carrier_calls').selectAll().where('provider_call_id', '=', providerCallId).executeTakeFirst();
  return row && toRow(row);
}

export async function carrierCallByKey(db: Executor, key: string): Promise<CarrierCallRow | undefined> {
  const row = await db.selectFrom('carrier_calls').selectAll().where('call_key', '=', key).executeTakeFirst();
  return row && toRow(row);
}

function toRow(row: { call_key: string; run_id: string; node_id: string; contact_id: string; answered: number; ended_at: number | null }): CarrierCallRow {
  return {
    key: row.call_key,
    runId: row.run_id,
    nodeId: row.node_id,
    contactId: row.contact_id,
    answered: Number(row.answered) === 1,
    endedAt: row.ended_at === null ? undefined : Number(row.ended_at),
  };
}

/** What a request of `kind` asked, if the dialer made one for the call (the message a TwiML route plays). */
export async function carrierCommandOf<K extends CarrierCommand['kind']>(
  db: Executor,
  key: string,
  kind: K,
): Promise<Extract<CarrierCommand, { kind: K }> | undefined> {
  const row = await db.selectFrom('carrier_requests').select('payload').where('call_key', '=', key).where('kind', '=', kind).executeTakeFirst();
  return row ? (parseJson(row.payload) as Extract<CarrierCommand, { kind: K }>) : undefined;
}

/**
 * A moment the provider reported: `ringing`, `answered`, `amd` or `ended` for the dialer, `hangup` for a call that was
 * answered and is over. Recorded once per kind: the first report wins, a repeat is dropped. True when it was new.
 */
export type ReportedMoment = Exclude<CallProgress, { type: 'greeting' }> | { type: 'hangup'; at: number };

export async function recordCallProgress(db: Executor, key: string, moment: ReportedMoment, recordedAt: number): Promise<boolean> {
  const result = await db
    .insertInto('call_progress')
    .values({ call_key: key, type: moment.type, at: moment.at, data: JSON.stringify(moment), recorded_at: recordedAt, heard: 0 })
    .onConflict((oc) => oc.columns(['call_key', 'type']).doNothing())
    .executeTakeFirst();
  const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  if (!added) return false;
  if (moment.type === 'answered') await db.updateTable('carrier_calls').set({ answered: 1 }).where('call_key', '=', key).execute();
  if (moment.type === 'ended' || moment.type === 'hangup') {
    await db.updateTable('carrier_calls').set({ ended_at: moment.at }).where('call_key', '=', key).where('ended_at', 'is', null).execute();
  }
  return true;
}

/** How the carrier reported the call over, if it did. */
export async function reportedEnd(db: Executor, key: string): Promise<Extract<CallProgress, { type: 'ended' }> | undefined> {
  const row = await db.selectFrom('call_progress').select('data').where('call_key', '=', key).where('type', '=', 'ended').executeTakeFirst();
  return row ? (parseJson(row.data) as Extract<CallProgress, { type: 'ended' }>) : undefined;
}

/** The earliest moment a pending request of the carrier is due, if any. */
export async function nextCarrierRequestAt(db: Executor, carrier: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('carrier_requests')
    .innerJoin('carrier_calls', 'carrier_calls.call_key', 'carrier_requests.call_key')
    .select((eb) => eb.fn.min('carrier_requests.next_attempt_at').as('t'))
    .where('carrier_calls.carrier', '=', carrier)
    .where('carrier_requests.status', '=', 'pending')
    .executeTakeFirst();
  return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
}

/** Logical order of a call's moments, whatever order their reports arrived in. */
const rank: Record<ReportedMoment['type'], number> = { ringing: 0, answered: 1, amd: 2, ended: 3, hangup: 4 };

/**
 * The progress of each of `keys` reported and not yet heard, put in order, marked heard in the same transaction: the
 * dialer keeps it in the step's memory from here. Reports that arrived out of order are sorted by what they mean
 * (rings before the answer, the answer before the detector's verdict), and a moment never goes before the one it
 * follows. An answer comes with the greeting's start; its end is the detector's to say (`amd.greetingEndsAt`).
 */
export async function takeCallProgress(db: Executor, keys: string[]): Promise<Map<string, CallProgress[]>> {
  const out = new Map<string, CallProgress[]>();
  if (!keys.length) return out;
  const rows = [];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    rows.push(...(await db.selectFrom('call_progress').select(['call_key', 'data']).where('call_key', 'in', chunk).where('heard', '=', 0).execute()));
    await db.updateTable('call_progress').set({ heard: 1 }).where('call_key', 'in', chunk).where('heard', '=', 0).execute();
  }
  const byKey = new Map<string, ReportedMoment[]>();
  for (const row of rows) {
    const list = byKey.get(row.call_key) ?? [];
    list.push(parseJson(row.data) as ReportedMoment);
    byKey.set(row.call_key, list);
  }
  for (const [key, moments] of byKey) {
    moments.sort((a, b) => rank[a.type] - rank[b.type]);
    const verdict = moments.find((m): m is Extract<ReportedMoment, { type: 'amd' }> => m.type === 'amd')?.verdict;
    const progress: CallProgress[] = [];
    let last = -Infinity;
    for (const moment of moments) {
      if (moment.type === 'hangup') continue;
      const at = Math.max(moment.at, last);
      last = at;
      if (moment.type === 'answered') {
        // What answered is the detector's verdict when there is one: a real carrier knows no more.
        progress.push({ type: 'answered', at, by: verdict ?? moment.by }, { type: 'greeting', at, endsAt: at });
      } else {
        progress.push({ ...moment, at });
      }
    }
    if (progress.length) out.set(key, progress);
  }
  return out;
}

/** A run's call minutes and cost from the carrier's own figures, per currency. */
export async function carrierCostOfRun(db: Executor, runId: string): Promise<{ calls: number; seconds: number; cost: Record<string, number> }> {
  const rows = await db.selectFrom('carrier_calls').select(['duration_seconds', 'price', 'price_unit']).where('run_id', '=', runId).execute();
  const cost: Record<string, number> = {};
  let seconds = 0;
  for (const row of rows) {
    seconds += Number(row.duration_seconds ?? 0);
    // Twilio gives a call's price as a negative amount (a charge); the cost is its size.
    if (row.price !== null && row.price_unit) cost[row.price_unit] = (cost[row.price_unit] ?? 0) + Math.abs(Number(row.price));
  }
  return { calls: rows.length, seconds, cost };
}
