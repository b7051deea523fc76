// The real webhook channel: one HTTP request with a timeout; a JSON reply is kept for the contact.
import type { ChannelProvider, SendRequest, SendResult } from './provider.ts';

export class HttpWebhook implements ChannelProvider {
  async send(request: SendRequest): Promise<SendResult> {
    if (request.payload.channel !== 'webhook') return { status: 'permanent-error', reason: 'Not a webhook request' };
    const { url, method, headers, body, timeoutMs } = request.payload;
    try {
      const response = await fetch(url, {
        method,
        headers: { ...headers, 'idempotency-key': request.key },
        ...(body !== undefined && method !== 'GET' && { body }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'follow',
      });
      const text = await response.text();
      let reply: unknown = text;
      try {
        reply = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: kept as text
      }
      // Server errors and throttling may pass; other answers are final.
      if (response.status >= 500 || response.status === 429) return { status: 'transient-error', reason: `${url} answered ${response.status}` };
      return { status: 'accepted', providerId: `http-${response.status}`, followUps: [], data: { status: response.status, reply } };
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `${url} did not answer within ${timeoutMs} ms` : `${url} could not be reached: ${(error as Error).message}`;
      return { status: 'transient-error', reason };
    }
  }
}
