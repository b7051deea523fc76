// The SMTP email channel against a real SMTP server in the test process: what arrives, and how refusals are read.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailPayload, SendRequest } from './provider.ts';
import { messageIdOf, SmtpEmail } from './smtp-email.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** Refusals by recipient: `busy@` gets 451 (try later), `nobody@` 550 (no such mailbox). */
function startServer(received: Received[]): Promise<SMTPServer & { port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refuse = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('busy@')) return refuse(451, 'Mailbox busy, try again later');
      if (address.address.startsWith('nobody@')) return refuse(550, 'No such user here');
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(Object.assign(server, { port: (server.server.address() as AddressInfo).port }))));
}

function request(payload: Partial<EmailPayload>, key = 'run-1:c_1:reminder:1'): SendRequest {
  const [runId, contactId, nodeId] = key.split(':') as [string, string, string];
  return {
    key,
    runId,
    contactId,
    nodeId,
    attempt: 1,
    now: Date.parse('2026-06-10T12:00:00Z'),
    payload: { channel: 'email', to: 'ada@example.com', subject: 'Your payment', text: 'Hi Ada', trackOpens: false, links: {}, ...payload },
  };
}

describe('SMTP email', () => {
  const received: Received[] = [];
  let server: SMTPServer & { port: number };
  let email: SmtpEmail;

  beforeAll(async () => {
    server = await startServer(received);
    email = new SmtpEmail({ url: `smtp://127.0.0.1:${server.port}?ignoreTLS=true`, from: 'Acme Billing <billing@acme.example>' });
  });

  afterAll(async () => {
    email.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('hands the rendered message to the relay, with the sender, the subject, both bodies and the key as its Message-ID', async () => {
    const result = await email.send(request({ html: '<p>Hi <b>Ada</b></p>', replyTo: 'help@acme.example' }));
    expect(result).toMatchObject({ status: 'accepted', providerId: messageIdOf('run-1:c_1:reminder:1'), followUps: [] });
    const message = received.at(-1)!;
    expect(message.from).toBe('billing@acme.example');
    expect(message.to).toEqual(['ada@example.com']);
    expect(message.raw).toContain('Subject: Your payment');
    expect(message.raw).toContain('Reply-To: help@acme.example');
    expect(message.raw).toContain('Hi Ada');
    expect(message.raw).toContain('<p>Hi <b>Ada</b></p>');
    expect(message.raw).toContain('Message-ID: <run-1.c_1.reminder.1@journey-builder>');
  });

  it('adds an open pixel to the HTML of a step that tracks opens, and none otherwise', async () => {
    await email.send(
      request({ html: '<html><body><p>Hi</p></body></html>', trackOpens: true, openPixel: 'http://localhost:3000/o/AQIDBA' }, 'run-1:c_7:letter:1'),
    );
    const tracked = received
      .at(-1)!
      .raw.replace(/=\r?\n/g, '')
      .replace(/=3D/g, '=');
    expect(tracked).toMatch(/<img src="[^"]+\/o\/[A-Za-z0-9_-]+" width="1" height="1" alt=""[^>]*><\/body>/);
    await email.send(request({ html: '<p>Hi</p>', trackOpens: false }, 'run-1:c_8:letter:1'));
    expect(received.at(-1)!.raw).not.toContain('/o/');
  });

  it("uses the step's own sender over the default", async () => {
    await email.send(request({ from: 'Acme Sales <sales@acme.example>' }, 'run-1:c_2:offer:1'));
    expect(received.at(-1)!.from).toBe('sales@acme.example');
  });

  it('reads a 5xx refusal as final and a 4xx one as passing, with what the server said', async () => {
    const final = await email.send(request({ to: 'nobody@example.com' }, 'run-1:c_3:reminder:1'));
    expect(final).toMatchObject({ status: 'permanent-error', reason: expect.stringContaining('No such user here') });
    const passing = await email.send(request({ to: 'busy@example.com' }, 'run-1:c_4:reminder:1'));
    expect(passing).toMatchObject({ status: 'transient-error', reason: expect.stringContaining('try again later') });
  });

  it('answers a relay that cannot be reached as passing, so the send is tried again', async () => {
    const closed = await startServer([]);
    const port = closed.port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new SmtpEmail({ url: `smtp://127.0.0.1:${port}?ignoreTLS=true&connectionTimeout=2000`, from: 'billing@acme.example' });
    try {
      expect(await unreachable.send(request({}, 'run-1:c_5:reminder:1'))).toMatchObject({ status: 'transient-error' });
    } finally {
      unreachable.close();
    }
  });

  it('refuses a message without any sender, saying what to set', async () => {
    const noSender = new SmtpEmail({ url: `smtp://127.0.0.1:${server.port}?ignoreTLS=true` });
    try {
      expect(await noSender.send(request({}, 'run-1:c_6:reminder:1'))).toEqual({ status: 'permanent-error', reason: expect.stringContaining('EMAIL_FROM') });
    } finally {
      noSender.close();
    }
  });
});
