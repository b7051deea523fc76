// The Twilio SMS channel against an HTTP server in the test process that answers as Twilio's Messages API does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendRequest, SmsPayload } from './provider.ts';
import { TwilioSms, twilioSignature, validTwilioSignature } from './twilio-sms.ts';

const accountSid = 'AC00000000000000000000000000000001';
const authToken = 'secret-token';
const service = 'MG0123456789abcdef0123456789abcdef';

interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotency: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

let inFlight = 0;
let mostInFlight = 0;

/** Answers by recipient, the way Twilio's own test numbers do: each number stands for one kind of answer. */
function answer(form: Record<string, string>, res: ServerResponse, count: number): void {
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  switch (form.To) {
    case '+15005550001':
      return void json(400, {
        code: 21211,
        message: "The 'To' number +15005550001 is not a valid phone number.",
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      });
    case '+15005550002':
      return void json(400, {
        code: 21610,
        message: 'Attempt to send to unsubscribed recipient',
        more_info: 'https://www.twilio.com/docs/errors/21610',
        status: 400,
      });
    case '+15005550003':
      return void json(429, { code: 20429, message: 'Too Many Requests', status: 429 });
    case '+15005550004':
      return void res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>');
    case '+15005550005':
      return; // never answers
    case '+15005550009':
      // A slow answer, to see how many requests a batch has in flight at once.
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        json(201, { sid: `SM-slow-${form.Body}`, status: 'queued' });
      }, 20);
      return;
    default:
      return void json(201, { sid: `SM${String(count).padStart(32, '0')}`, status: 'queued', to: form.To, body: form.Body, account_sid: accountSid });
  }
}

function startTwilio(received: Received[]): Promise<Server & { url: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(text));
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        idempotency: req.headers['i-twilio-idempotency-token'] as string | undefined,
        contentType: req.headers['content-type'],
        form,
      });
      answer(form, res, received.length);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))),
  );
}

function request(payload: Partial<SmsPayload>, key = 'run-1:c_1:reminder:1'): SendRequest {
  const [runId, contactId, nodeId] = key.split(':') as [string, string, string];
  return {
    key,
    runId,
    contactId,
    nodeId,
    attempt: 1,
    now: Date.parse('2026-06-10T12:00:00Z'),
    payload: { channel: 'sms', to: '+14155550100', body: 'Hi Ada', links: {}, ...payload },
  };
}

describe('Twilio SMS', () => {
  const received: Received[] = [];
  let twilio: Server & { url: string };
  let sms: TwilioSms;

  beforeAll(async () => {
    twilio = await startTwilio(received);
    sms = new TwilioSms({
      accountSid,
      authToken,
      from: '+15005550006',
      apiUrl: `${twilio.url}/`,
      statusCallbackUrl: 'https://journeys.example/hooks/twilio/status',
      timeoutMs: 500,
    });
  });

  afterAll(async () => {
    twilio.closeAllConnections();
    await new Promise<void>((resolve) => twilio.close(() => resolve()));
  });

  it("posts one form to the account's Messages resource, with basic auth, and reads the SID of a 201", async () => {
    const result = await sms.send(request({ body: 'Hi Ada, your payment is due. Reply STOP to stop.' }));
    expect(result).toEqual({ status: 'accepted', providerId: `SM${'1'.padStart(32, '0')}`, followUps: [], data: { providerStatus: 'queued' } });
    const sent = received.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(sent.authorization).toBe(`Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`);
    expect(sent.contentType).toBe('application/x-www-form-urlencoded');
    expect(sent.idempotency).toBe('run-1:c_1:reminder:1');
    expect(sent.form).toEqual({
      To: '+14155550100',
      From: '+15005550006',
      Body: 'Hi Ada, your payment is due. Reply STOP to stop.',
      StatusCallback: 'https://journeys.example/hooks/twilio/status',
    });
  });

  it("sends from the step's own sender, and through a Messaging Service when the sender is one", async () => {
    await sms.send(request({ from: '+15005550007' }, 'run-1:c_2:reminder:1'));
    expect(received.at(-1)!.form).toMatchObject({ From: '+15005550007' });
    await sms.send(request({ from: service }, 'run-1:c_3:reminder:1'));
    expect(received.at(-1)!.form).toMatchObject({ MessagingServiceSid: service });
    expect(received.at(-1)!.form.From).toBeUndefined();
    const viaService = new TwilioSms({ accountSid, authToken, from: service, apiUrl: twilio.url });
    await viaService.send(request({}, 'run-1:c_4:reminder:1'));
    expect(received.at(-1)!.form).toEqual({ To: '+14155550100', MessagingServiceSid: service, Body: 'Hi Ada' });
  });

  it("reads a 4xx as final, with Twilio's message and error code", async () => {
    expect(await sms.send(request({ to: '+15005550001' }, 'run-1:c_5:reminder:1'))).toEqual({
      status: 'permanent-error',
      reason: "Twilio refused the message (HTTP 400): The 'To' number +15005550001 is not a valid phone number. (Twilio error 21211)",
    });
    expect(await sms.send(request({ to: '+15005550002' }, 'run-1:c_6:reminder:1'))).toMatchObject({
      status: 'permanent-error',
      reason: expect.stringContaining('unsubscribed recipient (Twilio error 21610)'),
    });
  });

  it('reads 429 and 5xx as passing, so the send is tried again', async () => {
    expect(await sms.send(request({ to: '+15005550003' }, 'run-1:c_7:reminder:1'))).toMatchObject({
      status: 'transient-error',
      reason: expect.stringContaining('HTTP 429'),
    });
    expect(await sms.send(request({ to: '+15005550004' }, 'run-1:c_8:reminder:1'))).toMatchObject({
      status: 'transient-error',
      reason: expect.stringContaining('HTTP 503'),
    });
  });

  it('gives up waiting after its timeout and reads that as passing', async () => {
    const started = Date.now();
    expect(await sms.send(request({ to: '+15005550005' }, 'run-1:c_9:reminder:1'))).toEqual({
      status: 'transient-error',
      reason: 'Twilio could not be reached: no answer within 0.5 s',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends a batch a few at a time and answers each in order', async () => {
    const batch = new TwilioSms({ accountSid, authToken, from: '+15005550006', apiUrl: twilio.url, concurrency: 3 });
    const requests = Array.from({ length: 12 }, (_, i) => request({ to: '+15005550009', body: String(i) }, `run-1:c_b${i}:reminder:1`));
    const results = await batch.sendMany(requests);
    expect(results.map((r) => (r.status === 'accepted' ? r.providerId : r.status))).toEqual(requests.map((_, i) => `SM-slow-${i}`));
    expect(mostInFlight).toBe(3);
  });

  it('reads a service that cannot be reached as passing', async () => {
    const closed = await startTwilio([]);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new TwilioSms({ accountSid, authToken, from: '+15005550006', apiUrl: closed.url });
    expect(await unreachable.send(request({}, 'run-1:c_10:reminder:1'))).toMatchObject({
      status: 'transient-error',
      reason: expect.stringContaining('could not be reached'),
    });
  });
});

describe("Twilio's request signature", () => {
  // The example in Twilio's documentation and in its helper libraries' tests.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params: [string, string][] = [
    ['CallSid', 'CA1234567890ABCDE'],
    ['Caller', '+14158675309'],
    ['Digits', '1234'],
    ['From', '+14158675309'],
    ['To', '+18005551212'],
  ];

  it("matches Twilio's published example, whatever order the fields come in", () => {
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', url, [...params].reverse())).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('accepts the right signature and refuses a missing one, a changed field, another URL or another key', () => {
    const good = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(validTwilioSignature('12345', good, ['https://other.example/', url], params)).toBe(true);
    expect(validTwilioSignature('12345', undefined, [url], params)).toBe(false);
    expect(validTwilioSignature('12345', '', [url], params)).toBe(false);
    expect(validTwilioSignature('12345', good, [url], [...params.slice(0, 4), ['To', '+18005551213']])).toBe(false);
    expect(validTwilioSignature('12345', good, ['https://mycompany.com/myapp.php?foo=1&bar=3'], params)).toBe(false);
    expect(validTwilioSignature('54321', good, [url], params)).toBe(false);
  });
});
