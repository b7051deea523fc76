// Simulated SMS and email providers: seeded and deterministic, recording every accepted send by idempotency key.
import type { Executor } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';
import { visitKey } from '../engine/cursor.ts';
import { lognormal, seededRandom } from '../random.ts';
import type { ChannelProvider, FollowUp, SendRequest, SendResult } from './provider.ts';

export interface SmsBehaviour {
  /** Numbers the network rejects at once (a permanent error: the step's "failed" exit). */
  invalidRate: number;
  /** First attempts that meet a passing network error and are retried. */
  transientRate: number;
  deliveryFailureRate: number;
  replyRate: number;
  /** Of the replies, the share that are an opt-out keyword. */
  stopShare: number;
  /** Messages with links whose reader clicks one. */
  clickRate: number;
  /** Mean minutes until a reply or a click. */
  reactionMeanMinutes: number;
}

export interface EmailBehaviour {
  bounceRate: number;
  transientRate: number;
  openRate: number;
  clickRate: number;
  unsubscribeRate: number;
  reactionMeanMinutes: number;
}

export const defaultSmsBehaviour: SmsBehaviour = {
  invalidRate: 0.01,
  transientRate: 0.02,
  deliveryFailureRate: 0.02,
  replyRate: 0.06,
  stopShare: 0.2,
  clickRate: 0.25,
  reactionMeanMinutes: 90,
};

export const defaultEmailBehaviour: EmailBehaviour = {
  bounceRate: 0.03,
  transientRate: 0.02,
  openRate: 0.35,
  clickRate: 0.12,
  unsubscribeRate: 0.005,
  reactionMeanMinutes: 240,
};

const replies = ['Yes', 'OK thanks', 'Call me please', 'Who is this?', 'Paid yesterday'];
const stopWords = ['STOP', 'Stop', 'UNSUBSCRIBE', 'stop please'];
const minute = 60_000;

/**
 * Sends whose key was seen before get the first answer again: the provider is where "exactly once" is kept when a
 * crash falls between a send and its record. Accepted sends are recorded in one statement per batch.
 */
async function once(db: Executor, requests: SendRequest[], channel: string, decide: (request: SendRequest) => SendResult): Promise<SendResult[]> {
  const keys = requests.map((r) => r.key);
  const previous = new Map<string, SendResult>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('simulated_sends')
      .select(['idempotency_key', 'result'])
      .where('idempotency_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const row of rows) previous.set(row.idempotency_key, parseJson(row.result));
  }
  const repeated = keys.filter((k) => previous.has(k));
  for (let i = 0; i < repeated.length; i += 500) {
    await db
      .updateTable('simulated_sends')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('idempotency_key', 'in', repeated.slice(i, i + 500))
      .execute();
  }
  const accepted: { idempotency_key: string; channel: string; accepted_at: number; attempts: number; result: string }[] = [];
  const results = requests.map((request) => {
    const earlier = previous.get(request.key);
    if (earlier) return earlier;
    const result = decide(request);
    if (result.status === 'accepted') {
      previous.set(request.key, result);
      accepted.push({ idempotency_key: request.key, channel, accepted_at: request.now, attempts: 1, result: JSON.stringify(result) });
    }
    return result;
  });
  for (let i = 0; i < accepted.length; i += 500)
    await db
      .insertInto('simulated_sends')
      .values(accepted.slice(i, i + 500))
      .execute();
  return results;
}

/** The attempt number matters for passing errors only: a retry of the same key may succeed. */
function attemptRandom(seed: number, request: SendRequest, attempt: number) {
  return seededRandom(seed, visitKey(request.key), attempt);
}

export class SimulatedSms implements ChannelProvider {
  constructor(
    private readonly db: Executor,
    private readonly seed: number,
    private readonly behaviour: SmsBehaviour = defaultSmsBehaviour,
  ) {}

  async send(request: SendRequest): Promise<SendResult> {
    return (await this.sendMany([request]))[0]!;
  }

  sendMany(requests: SendRequest[]): Promise<SendResult[]> {
    return once(this.db, requests, 'sms', (request) => {
      const b = this.behaviour;
      const fate = seededRandom(this.seed, 'sms', visitKey(request.key));
      const invalid = fate() < b.invalidRate;
      if (invalid) return { status: 'permanent-error', reason: 'The number cannot receive texts (rejected by the network)' };
      if (attemptRandom(this.seed, request, request.attempt)() < b.transientRate)
        return { status: 'transient-error', reason: 'The SMS gateway did not answer in time' };
      const followUps: FollowUp[] = [];
      const deliveredAt = request.now + Math.round(1000 + fate() * 9000);
      if (fate() < b.deliveryFailureRate) {
        followUps.push({ type: 'sms.failed', at: deliveredAt, data: { reason: 'The handset could not be reached (delivery receipt)' } });
        return { status: 'accepted', providerId: `sim-sms-${request.key}`, followUps };
      }
      followUps.push({ type: 'sms.delivered', at: deliveredAt, data: {} });
      const payload = request.payload.channel === 'sms' ? request.payload : undefined;
      const links = Object.keys(payload?.links ?? {});
      if (links.length && fate() < b.clickRate) {
        followUps.push({
          type: 'link.clicked',
          at: deliveredAt + reactionDelay(fate, b.reactionMeanMinutes),
          data: { link: links[Math.floor(fate() * links.length)] },
        });
      }
      if (fate() < b.replyRate) {
        const stop = fate() < b.stopShare;
        const words = stop ? stopWords : replies;
        followUps.push({
          type: 'sms.replied',
          at: deliveredAt + reactionDelay(fate, b.reactionMeanMinutes),
          data: { text: words[Math.floor(fate() * words.length)] },
        });
      }
      return { status: 'accepted', providerId: `sim-sms-${request.key}`, followUps };
    });
  }
}

export class SimulatedEmail implements ChannelProvider {
  constructor(
    private readonly db: Executor,
    private readonly seed: number,
    private readonly behaviour: EmailBehaviour = defaultEmailBehaviour,
  ) {}

  async send(request: SendRequest): Promise<SendResult> {
    return (await this.sendMany([request]))[0]!;
  }

  sendMany(requests: SendRequest[]): Promise<SendResult[]> {
    return once(this.db, requests, 'email', (request) => {
      const b = this.behaviour;
      const fate = seededRandom(this.seed, 'email', visitKey(request.key));
      if (fate() < b.bounceRate) return { status: 'permanent-error', reason: 'The mailbox does not exist (hard bounce)' };
      if (attemptRandom(this.seed, request, request.attempt)() < b.transientRate)
        return { status: 'transient-error', reason: 'The mail server asked to try again later' };
      const followUps: FollowUp[] = [];
      const payload = request.payload.channel === 'email' ? request.payload : undefined;
      const deliveredAt = request.now + Math.round(2000 + fate() * 20_000);
      followUps.push({ type: 'email.delivered', at: deliveredAt, data: {} });
      if (fate() < b.openRate) {
        const openedAt = deliveredAt + reactionDelay(fate, b.reactionMeanMinutes);
        if (payload?.trackOpens) followUps.push({ type: 'email.opened', at: openedAt, data: {} });
        const links = Object.keys(payload?.links ?? {});
        if (links.length && fate() < b.clickRate / b.openRate) {
          followUps.push({ type: 'link.clicked', at: openedAt + Math.round(fate() * 5 * minute), data: { link: links[Math.floor(fate() * links.length)] } });
        }
        if (fate() < b.unsubscribeRate / b.openRate) followUps.push({ type: 'email.unsubscribed', at: openedAt + minute, data: {} });
      }
      return { status: 'accepted', providerId: `sim-email-${request.key}`, followUps };
    });
  }
}

/** Answers every call with 200 and an empty JSON object: simulation never reaches the outside world. */
export class SimulatedWebhook implements ChannelProvider {
  constructor(private readonly db: Executor) {}
  async send(request: SendRequest): Promise<SendResult> {
    return (await this.sendMany([request]))[0]!;
  }

  sendMany(requests: SendRequest[]): Promise<SendResult[]> {
    return once(this.db, requests, 'webhook', (request) => ({
      status: 'accepted',
      providerId: `sim-webhook-${request.key}`,
      followUps: [],
      data: { status: 200, reply: {} },
    }));
  }
}

function reactionDelay(random: () => number, meanMinutes: number): number {
  return Math.round(lognormal(random, meanMinutes * minute, 1.2));
}
