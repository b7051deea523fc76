// Simulated SMS and email providers: seeded and deterministic, recording every accepted send by idempotency key.
import type { Executor } from '../store/dialect.ts';
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
 * A send whose key was seen before gets the first answer again: the provider is where "exactly once" is kept when a
 * crash falls between the send and its record.
 */
async function once(db: Executor, request: SendRequest, channel: string, decide: () => SendResult): Promise<SendResult> {
  const previous = await db.selectFrom('simulated_sends').select(['result']).where('idempotency_key', '=', request.key).executeTakeFirst();
  if (previous) {
    await db.updateTable('simulated_sends').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('idempotency_key', '=', request.key).execute();
    return JSON.parse(previous.result) as SendResult;
  }
  const result = decide();
  if (result.status === 'accepted') {
    await db
      .insertInto('simulated_sends')
      .values({ idempotency_key: request.key, channel, accepted_at: request.now, attempts: 1, result: JSON.stringify(result) })
      .execute();
  }
  return result;
}

/** The attempt number matters for passing errors only: a retry of the same key may succeed. */
function attemptRandom(seed: number, request: SendRequest, attempt: number) {
  return seededRandom(seed, request.key, attempt);
}

export class SimulatedSms implements ChannelProvider {
  private attempts = new Map<string, number>();
  constructor(
    private readonly db: Executor,
    private readonly seed: number,
    private readonly behaviour: SmsBehaviour = defaultSmsBehaviour,
  ) {}

  send(request: SendRequest): Promise<SendResult> {
    return once(this.db, request, 'sms', () => {
      const b = this.behaviour;
      const attempt = (this.attempts.get(request.key) ?? 0) + 1;
      this.attempts.set(request.key, attempt);
      const fate = seededRandom(this.seed, 'sms', request.key);
      const invalid = fate() < b.invalidRate;
      if (invalid) return { status: 'permanent-error', reason: 'The number cannot receive texts (rejected by the network)' };
      if (attemptRandom(this.seed, request, attempt)() < b.transientRate) return { status: 'transient-error', reason: 'The SMS gateway did not answer in time' };
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
        followUps.push({ type: 'link.clicked', at: deliveredAt + reactionDelay(fate, b.reactionMeanMinutes), data: { link: links[Math.floor(fate() * links.length)] } });
      }
      if (fate() < b.replyRate) {
        const stop = fate() < b.stopShare;
        const words = stop ? stopWords : replies;
        followUps.push({ type: 'sms.replied', at: deliveredAt + reactionDelay(fate, b.reactionMeanMinutes), data: { text: words[Math.floor(fate() * words.length)] } });
      }
      return { status: 'accepted', providerId: `sim-sms-${request.key}`, followUps };
    });
  }
}

export class SimulatedEmail implements ChannelProvider {
  private attempts = new Map<string, number>();
  constructor(
    private readonly db: Executor,
    private readonly seed: number,
    private readonly behaviour: EmailBehaviour = defaultEmailBehaviour,
  ) {}

  send(request: SendRequest): Promise<SendResult> {
    return once(this.db, request, 'email', () => {
      const b = this.behaviour;
      const attempt = (this.attempts.get(request.key) ?? 0) + 1;
      this.attempts.set(request.key, attempt);
      const fate = seededRandom(this.seed, 'email', request.key);
      if (fate() < b.bounceRate) return { status: 'permanent-error', reason: 'The mailbox does not exist (hard bounce)' };
      if (attemptRandom(this.seed, request, attempt)() < b.transientRate) return { status: 'transient-error', reason: 'The mail server asked to try again later' };
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
  send(request: SendRequest): Promise<SendResult> {
    return once(this.db, request, 'webhook', () => ({ status: 'accepted', providerId: `sim-webhook-${request.key}`, followUps: [], data: { status: 200, reply: {} } }));
  }
}

function reactionDelay(random: () => number, meanMinutes: number): number {
  return Math.round(lognormal(random, meanMinutes * minute, 1.2));
}
