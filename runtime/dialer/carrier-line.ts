// The line to a reporting carrier: the dialer's requests (place, cancel, message, bridge, fetch), recorded in its rounds,
// sent once those committed, and each answer recorded. A request whose answer proves nothing was done is tried again
// with backoff; placing a call whose answer was lost is the carrier's to look up before it places again
// (`ReportingCarrier.send`), so a call is never placed twice.
import type { Executor } from '../store/dialect.ts';
import {
  claimCarrierRequests,
  queueCarrierCommand,
  recordCallProgress,
  setCallFigures,
  setProviderCallId,
  settleCarrierRequest,
  type DueCarrierRequest,
} from '../store/repositories/carrier-calls.ts';
import type { CarrierAnswer, ReportingCarrier } from './carrier.ts';

export interface CarrierLineOptions {
  /** The first retry's wait (ms), doubled each time after; default 1 s: a call placed late is still worth placing. */
  backoffMs?: number;
  /** Tries of a request before it is given up; default 6. */
  maxAttempts?: number;
  /** How long a worker holds the requests it sends (ms); after a crash they go again once it runs out. Default 30 s. */
  leaseMs?: number;
  /** Requests in flight at once. Default 10. */
  concurrency?: number;
}

/** A request about a call its carrier has not taken yet waits this long for the placing to be answered. */
const unplacedWaitMs = 250;

/** Sends the carrier's due requests; returns how many were answered. */
export async function sendCarrierRequests(db: Executor, carrier: ReportingCarrier, now: number, options: CarrierLineOptions = {}): Promise<number> {
  const due = await claimCarrierRequests(db, carrier.name, now, options.leaseMs ?? 30_000);
  let next = 0;
  let answered = 0;
  const worker = async () => {
    while (next < due.length) {
      const request = due[next++]!;
      if (await sendOne(db, carrier, request, now, options)) answered++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 10, due.length) }, worker));
  return answered;
}

async function sendOne(db: Executor, carrier: ReportingCarrier, request: DueCarrierRequest, now: number, options: CarrierLineOptions): Promise<boolean> {
  const { key, command } = request;
  if (command.kind !== 'place' && request.providerCallId === undefined) {
    // The call is not placed yet (its placing waits for a retry): this request waits for it, and it is not a try.
    const placing = await db.selectFrom('carrier_requests').select('status').where('call_key', '=', key).where('kind', '=', 'place').executeTakeFirst();
    if (placing?.status === 'pending') {
      await settleCarrierRequest(db, key, command.kind, { status: 'pending', attempts: request.attempts, next_attempt_at: now + unplacedWaitMs, error: null });
      return false;
    }
    await settleCarrierRequest(db, key, command.kind, {
      status: 'failed',
      attempts: request.attempts,
      next_attempt_at: now,
      error: 'The call was never placed',
    });
    return false;
  }
  const attempt = request.attempts + 1;
  let answer: CarrierAnswer;
  try {
    answer = await carrier.send({
      key,
      command,
      providerCallId: request.providerCallId,
      answered: request.answered,
      attempt,
      recordedAt: request.createdAt,
      now,
    });
  } catch (error) {
    // A carrier that throws has done nothing it could tell: the request stays, to be looked up or sent again.
    answer = { status: 'retry', reason: `The ${carrier.name} carrier failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const maxAttempts = options.maxAttempts ?? 6;
  if (answer.status === 'done') {
    if (answer.providerCallId) await setProviderCallId(db, key, answer.providerCallId);
    if (answer.figures) await setCallFigures(db, key, answer.figures);
    await settleCarrierRequest(db, key, command.kind, { status: 'done', attempts: attempt, next_attempt_at: now, error: null, done_at: now });
    return true;
  }
  if (answer.status === 'retry' && attempt < maxAttempts) {
    const wait = answer.retryAfterMs ?? (options.backoffMs ?? 1000) * 2 ** (attempt - 1);
    await settleCarrierRequest(db, key, command.kind, { status: 'pending', attempts: attempt, next_attempt_at: now + wait, error: answer.reason });
    return true;
  }
  const reason = answer.status === 'retry' ? `${answer.reason} (gave up after ${attempt} attempts)` : answer.reason;
  await settleCarrierRequest(db, key, command.kind, { status: 'failed', attempts: attempt, next_attempt_at: now, error: reason });
  if (command.kind === 'place') {
    // A call that could not be placed is over: the dialer hears it next round and the contact leaves by `failed`.
    const ended = answer.status === 'refused' && answer.ended ? answer.ended : { reason: 'failed' as const };
    await recordCallProgress(db, key, { type: 'ended', at: now, ...ended }, now);
  }
  return true;
}

/** Once a call is over, its own figures (duration, price) are asked for. */
export async function askForFigures(db: Executor, key: string, at: number): Promise<void> {
  await queueCarrierCommand(db, key, { kind: 'fetch' }, at);
}
