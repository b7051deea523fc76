// The interface every channel provider implements, simulated or real: accept a send under an idempotency key.
import type { EventType } from '../../schemas/events.ts';

export interface SmsPayload {
  to: string;
  from?: string;
  body: string;
}

export interface EmailPayload {
  to: string;
  from?: string;
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  trackOpens: boolean;
  /** The open pixel's address when the step tracks opens: signed by the step, as only it holds the run's key. */
  openPixel?: string;
  /** Tracked links in the message, by name. */
  links: Record<string, string>;
}

export interface WebhookPayload {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The step's limits (requests open at once, requests started a second); absent in sends queued before they existed. */
  concurrency?: number;
  ratePerSecond?: number;
}

export interface SmsLinks {
  links: Record<string, string>;
}

export type Payload = ({ channel: 'sms' } & SmsPayload & SmsLinks) | ({ channel: 'email' } & EmailPayload) | ({ channel: 'webhook' } & WebhookPayload);

export interface SendRequest {
  /** `runId:contactId:nodeId:visit`: the same key is never delivered twice. */
  key: string;
  runId: string;
  contactId: string;
  nodeId: string;
  payload: Payload;
  /** 1 for the first offer of this key, 2 for the first retry, ...; kept in the outbox, so it survives a restart. */
  attempt: number;
  /** The moment of sending, from the runtime's clock. */
  now: number;
}

/** Something that will happen later because of a send: a delivery, a reply, a click, a call's progress. */
export interface FollowUp {
  type: EventType;
  at: number;
  data: Record<string, unknown>;
}

export type SendResult =
  | { status: 'accepted'; providerId: string; followUps: FollowUp[]; data?: Record<string, unknown> }
  | { status: 'transient-error'; reason: string }
  | { status: 'permanent-error'; reason: string }
  /** Not sent now (a rate limit holds it back): offered again at `until`, and not counted as an attempt. */
  | { status: 'deferred'; until: number; reason: string };

export interface ChannelProvider {
  send(request: SendRequest): Promise<SendResult>;
  /** Many sends at once, answered in order; providers with a bulk API (or a store to write to) implement it. */
  sendMany?(requests: SendRequest[]): Promise<SendResult[]>;
}
