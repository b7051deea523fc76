// The real email channel: each send is one message handed to an SMTP relay through nodemailer.
import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelProvider, SendRequest, SendResult } from './provider.ts';

export interface SmtpSettings {
  /** `smtp://user:pass@host:587` or `smtps://...:465`, as nodemailer reads it. */
  url: string;
  /** The sender of a step that names none, e.g. `Acme Collections <billing@acme.example>`. */
  from?: string;
}

/**
 * The key as a Message-ID. SMTP has no idempotency keys: a message the relay accepted just before a crash, and so was
 * never recorded as sent, goes again after the restart. Both copies carry the same Message-ID, which mail stores and
 * clients use to show a message once.
 */
export function messageIdOf(key: string): string {
  return `<${key.replace(/[^A-Za-z0-9_-]+/g, '.')}@journey-builder>`;
}

/**
 * The HTML with a one-pixel image that records the open when the reader's mail program loads it. Only HTML can carry
 * it, and programs that block images never load it, so opens are a lower bound.
 */
export function withOpenPixel(html: string, url: string): string {
  const pixel = `<img src="${url}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">`;
  return /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${pixel}</body>`) : `${html}${pixel}`;
}

export class SmtpEmail implements ChannelProvider {
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    // A few pooled connections: a batch of sends is offered at once, and a relay limits connections per client.
    this.transport = nodemailer.createTransport(settings.url.includes('?') ? `${settings.url}&pool=true` : `${settings.url}?pool=true`);
  }

  async send(request: SendRequest): Promise<SendResult> {
    const payload = request.payload;
    if (payload.channel !== 'email') return { status: 'permanent-error', reason: 'Not an email request' };
    const from = payload.from ?? this.settings.from;
    if (!from) return { status: 'permanent-error', reason: 'The email step names no sender and EMAIL_FROM is not set; give one of them an address' };
    try {
      const info = (await this.transport.sendMail({
        from,
        to: payload.to,
        ...(payload.replyTo && { replyTo: payload.replyTo }),
        subject: payload.subject,
        ...(payload.text !== undefined && { text: payload.text }),
        ...(payload.html !== undefined && { html: payload.trackOpens && payload.openPixel ? withOpenPixel(payload.html, payload.openPixel) : payload.html }),
        messageId: messageIdOf(request.key),
      })) as { messageId: string; response?: string };
      return { status: 'accepted', providerId: info.messageId, followUps: [], data: { response: info.response ?? '' } };
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
      const said = e.response ?? e.message ?? String(error);
      // 5xx is the relay's final word (unknown mailbox, refused sender); 4xx, timeouts and lost connections may pass.
      if (e.responseCode !== undefined && e.responseCode >= 500) return { status: 'permanent-error', reason: `The mail server refused the message: ${said}` };
      return { status: 'transient-error', reason: `The mail server could not take the message now: ${said}` };
    }
  }

  close(): void {
    this.transport.close();
  }
}
