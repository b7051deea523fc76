// What Twilio calls: POST /hooks/twilio/status, a text's delivery report, and POST /hooks/twilio/inbound, a text
// someone sent to our number; and for calls, under /hooks/twilio/voice/, the call's TwiML (hold the answer, bridge it
// to an agent, play a message) and its status and answering-machine callbacks. None carries an API token; each must
// carry Twilio's signature instead.
import { Hono, type Context } from 'hono';
import { validTwilioSignature } from '../../runtime/channels/twilio-sms.ts';
import { trackingBaseUrl } from '../../runtime/nodes/links.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { lastLiveTextTo, sentByProviderId, type SentMessage } from '../../runtime/store/repositories/messages.ts';
import { askForFigures } from '../../runtime/dialer/carrier-line.ts';
import { carrierCallByKey, carrierCommandOf, recordCallProgress, setCallFigures, setProviderCallId } from '../../runtime/store/repositories/carrier-calls.ts';
import { momentOfAmd, momentsOfStatus } from '../../runtime/telephony/twilio-voice.ts';
import type { Runner } from '../runner.ts';

/** What Twilio reads as "do nothing more" in answer to an incoming text. */
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export function twilioRoutes(store: Store, runner: Runner) {
  const app = new Hono<{ Variables: { form: Map<string, string> } }>();

  // Twilio signs the address it called: the public one (JOURNEY_PUBLIC_URL) behind a proxy, or the one this server
  // saw when nothing stands between. Either way the auth token is what makes a signature hard to forge.
  app.use('*', async (c, next) => {
    const authToken = runner.twilioAuthToken();
    if (!authToken) return c.text('Twilio is not set up on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM or TWILIO_CALLER_ID).', 404);
    const params = [...new URLSearchParams(await c.req.text())];
    const seen = new URL(c.req.url);
    const publicUrls = [trackingBaseUrl(), ...(runner.voiceSettings ? [runner.voiceSettings.publicUrl.replace(/\/$/, '')] : [])];
    const urls = [...publicUrls.map((base) => `${base}${seen.pathname}${seen.search}`), c.req.url];
    if (!validTwilioSignature(authToken, c.req.header('x-twilio-signature'), urls, params)) {
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

  // A call's TwiML. The answer is held (a pause, then the same again) until the dialer bridges it, plays it a message
  // or hangs it up, each of which replaces the call's TwiML through the Calls API.
  app.post('/voice/answer', async (c) => {
    const key = c.req.query('key');
    if (!key || !(await carrierCallByKey(store.db, key))) return twimlOf(c, '<Hangup/>');
    const again = escapeXml(voiceHook(c, 'answer', { key }));
    return twimlOf(c, `<Pause length="10"/><Redirect method="POST">${again}</Redirect>`);
  });

  app.post('/voice/bridge', async (c) => {
    const agent = c.req.query('agent');
    if (!agent) return c.text('An agent is needed: /hooks/twilio/voice/bridge?key=...&agent=...', 400);
    // The agent's softphone registers as the client `agent-<id>`.
    return twimlOf(c, `<Dial><Client>${escapeXml(`agent-${agent}`)}</Client></Dial>`);
  });

  app.post('/voice/message', async (c) => {
    const key = c.req.query('key') ?? '';
    const command = await carrierCommandOf(store.db, key, 'message');
    if (!command) return twimlOf(c, '<Hangup/>');
    return twimlOf(c, `<Say>${escapeXml(command.message)}</Say><Hangup/>`);
  });

  app.post('/voice/status', async (c) => {
    const form = c.get('form');
    const call = await callOf(c.req.query('key'), form.get('CallSid'));
    if (!call) return c.text('', 200);
    const now = runner.now();
    const { moments, durationSeconds } = momentsOfStatus(form, now, call.answered);
    let changed = false;
    for (const moment of moments) changed = (await recordCallProgress(store.db, call.key, moment, now)) || changed;
    if (durationSeconds !== undefined) await setCallFigures(store.db, call.key, { durationSeconds });
    // Over: its price is read from the call resource, which Twilio fills in a little later.
    if (moments.some((m) => m.type === 'ended' || m.type === 'hangup')) await askForFigures(store.db, call.key, now);
    if (changed) runner.wake();
    return c.text('', 200);
  });

  app.post('/voice/amd', async (c) => {
    const form = c.get('form');
    const call = await callOf(c.req.query('key'), form.get('CallSid'));
    const moment = call && momentOfAmd(form, runner.now());
    if (call && moment && (await recordCallProgress(store.db, call.key, moment, runner.now()))) runner.wake();
    return c.text('', 200);
  });

  /** The call a callback is about: by the key in its address, checked against the CallSid Twilio gives. */
  async function callOf(key: string | undefined, callSid: string | undefined) {
    if (!key || !callSid) return undefined;
    const call = await carrierCallByKey(store.db, key);
    if (!call) return undefined;
    const row = await store.db.selectFrom('carrier_calls').select('provider_call_id').where('call_key', '=', key).executeTakeFirstOrThrow();
    // A callback can come before the answer to placing the call was recorded: the SID is learnt from it then.
    if (row.provider_call_id === null) await setProviderCallId(store.db, key, callSid);
    else if (row.provider_call_id !== callSid) return undefined;
    return call;
  }

  function voiceHook(c: Context, name: string, query: Record<string, string>): string {
    const base = runner.voiceSettings?.publicUrl.replace(/\/$/, '') ?? new URL(c.req.url).origin;
    return `${base}/hooks/twilio/voice/${name}?${new URLSearchParams(query)}`;
  }

  async function record(sent: SentMessage, type: 'sms.delivered' | 'sms.failed' | 'sms.replied', data: Record<string, unknown>): Promise<void> {
    // An answer to a HELP reply belongs to no step: its reactions name none.
    await runner.react({ runId: sent.runId, contactId: sent.contactId, type, data: { ...(sent.nodeId && { nodeId: sent.nodeId }), ...data } });
  }

  return app;
}

function twimlOf(c: Context, verbs: string) {
  return c.body(`<?xml version="1.0" encoding="UTF-8"?><Response>${verbs}</Response>`, 200, { 'content-type': 'text/xml; charset=utf-8' });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function twiml(c: Context) {
  return c.body(emptyTwiml, 200, { 'content-type': 'text/xml; charset=utf-8' });
}
