// What Twilio calls: POST /hooks/twilio/status, a text's delivery report, and POST /hooks/twilio/inbound, a text
// someone sent to our number. Neither carries an API token; each must carry Twilio's signature instead.
import { Hono, type Context } from 'hono';
import { validTwilioSignature } from '../../runtime/channels/twilio-sms.ts';
import { trackingBaseUrl } from '../../runtime/nodes/links.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { lastLiveTextTo, sentByProviderId, type SentMessage } from '../../runtime/store/repositories/messages.ts';
import type { Runner } from '../runner.ts';

/** What Twilio reads as "do nothing more" in answer to an incoming text. */
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export function twilioRoutes(store: Store, runner: Runner) {
  const app = new Hono<{ Variables: { form: Map<string, string> } }>();

  // Twilio signs the address it called: the public one (JOURNEY_PUBLIC_URL) behind a proxy, or the one this server
  // saw when nothing stands between. Either way the auth token is what makes a signature hard to forge.
  app.use('*', async (c, next) => {
    const settings = runner.twilioSettings;
    if (!settings) return c.text('Twilio is not set up on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM).', 404);
    const params = [...new URLSearchParams(await c.req.text())];
    const seen = new URL(c.req.url);
    const urls = [`${trackingBaseUrl()}${seen.pathname}${seen.search}`, c.req.url];
    if (!validTwilioSignature(settings.authToken, c.req.header('x-twilio-signature'), urls, params)) {
      return c.text('The X-Twilio-Signature header is missing or does not match this request.', 403);
    }
    c.set('form', new Map(params));
    await next();
  });

  app.post('/status', async (c) => {
    const form = c.get('form');
    const sid = form.get('MessageSid') ?? form.get('SmsSid');
    const status = form.get('MessageStatus') ?? form.get('SmsStatus');
    // queued, sending, sent, accepted, scheduled, read ... say nothing the journey acts on.
    if (!sid || !status || !['delivered', 'failed', 'undelivered'].includes(status)) return c.text('', 200);
    const sent = await sentByProviderId(store, 'sms', sid);
    if (!sent) return c.text('', 200);
    if (status === 'delivered') {
      await record(sent, 'sms.delivered', {});
    } else {
      const code = form.get('ErrorCode');
      const message = form.get('ErrorMessage');
      const reason = `Twilio reported the text ${status}${code ? ` (error ${code}${message ? `: ${message}` : ''})` : ''}`;
      await record(sent, 'sms.failed', { reason, ...(code && { errorCode: code }) });
    }
    return c.text('', 200);
  });

  app.post('/inbound', async (c) => {
    const form = c.get('form');
    const from = form.get('From');
    // A reply answers the latest text a live run sent to that number; a number we never texted is not ours to act on.
    const sent = from ? await lastLiveTextTo(store, from) : undefined;
    if (sent) await record(sent, 'sms.replied', { text: form.get('Body') ?? '' });
    return twiml(c);
  });

  async function record(sent: SentMessage, type: 'sms.delivered' | 'sms.failed' | 'sms.replied', data: Record<string, unknown>): Promise<void> {
    // An answer to a HELP reply belongs to no step: its reactions name none.
    await runner.react({ runId: sent.runId, contactId: sent.contactId, type, data: { ...(sent.nodeId && { nodeId: sent.nodeId }), ...data } });
  }

  return app;
}

function twiml(c: Context) {
  return c.body(emptyTwiml, 200, { 'content-type': 'text/xml; charset=utf-8' });
}
