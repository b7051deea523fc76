// Tracked links: each declared link becomes an address that records the click before it redirects.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where tracked links point; the server answers there, records `link.clicked` and redirects. */
export function trackingBaseUrl(): string {
  return (process.env.JOURNEY_PUBLIC_URL ?? 'http://localhost:3000').replace(/\/$/, '');
}

/** `{name: address}` for the template: tracked addresses when tracking is on, the plain ones otherwise. */
export function renderLinks(
  links: Record<string, string> | undefined,
  track: boolean,
  ids: { runId: string; contactId: string; nodeId: string },
  sign: (token: LinkToken) => string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, target] of Object.entries(links ?? {})) {
    out[name] = track ? `${trackingBaseUrl()}/t/${sign({ ...ids, link: name })}` : target;
  }
  return out;
}

/**
 * The address of an email's open pixel: a token like a link's, with no link name. The server answers there with a
 * transparent image and records `email.opened` for the contact.
 */
export function openPixelUrl(ids: { runId: string; contactId: string; nodeId: string }, sign: (token: LinkToken) => string): string {
  return `${trackingBaseUrl()}/o/${sign({ ...ids, link: '' })}`;
}

export interface LinkToken {
  runId: string;
  contactId: string;
  nodeId: string;
  link: string;
}

// A token is the ids, packed short for a text message, and the first bytes of an HMAC-SHA256 of them under the
// server's secret: nobody without the secret can make one for another contact, step or link, or change one.
// Run ids (UUIDs) and imported contact ids (c_ and 20 hex digits) take their bytes; other ids their text.
const macBytes = 12;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hexContact = /^c_[0-9a-f]{20}$/;

function pack(value: string): Buffer {
  if (uuid.test(value)) return Buffer.concat([Buffer.from([1]), Buffer.from(value.replaceAll('-', ''), 'hex')]);
  if (hexContact.test(value)) return Buffer.concat([Buffer.from([2]), Buffer.from(value.slice(2), 'hex')]);
  const text = Buffer.from(value, 'utf8');
  if (text.length > 255) throw new Error(`"${value.slice(0, 40)}..." is too long for a tracked link's token (at most 255 bytes)`);
  return Buffer.concat([Buffer.from([0, text.length]), text]);
}

function unpack(bytes: Buffer, at: number): [string, number] | undefined {
  const kind = bytes[at];
  if (kind === 1 && at + 17 <= bytes.length) {
    const hex = bytes.subarray(at + 1, at + 17).toString('hex');
    return [`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, at + 17];
  }
  if (kind === 2 && at + 11 <= bytes.length) return [`c_${bytes.subarray(at + 1, at + 11).toString('hex')}`, at + 11];
  if (kind === 0 && at + 2 <= bytes.length && at + 2 + bytes[at + 1]! <= bytes.length)
    return [bytes.subarray(at + 2, at + 2 + bytes[at + 1]!).toString('utf8'), at + 2 + bytes[at + 1]!];
  return undefined;
}

const mac = (secret: Buffer, payload: Buffer) => createHmac('sha256', secret).update(payload).digest().subarray(0, macBytes);

export function encodeLinkToken(token: LinkToken, secret: Buffer): string {
  const payload = Buffer.concat([token.runId, token.contactId, token.nodeId, token.link].map(pack));
  return Buffer.concat([payload, mac(secret, payload)]).toString('base64url');
}

/** The ids of a token this server signed; undefined for anything else (unsigned, changed, or another server's). */
export function decodeLinkToken(text: string, secret: Buffer): LinkToken | undefined {
  if (!/^[A-Za-z0-9_-]{1,800}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length <= macBytes) return undefined;
  const payload = bytes.subarray(0, bytes.length - macBytes);
  if (!timingSafeEqual(bytes.subarray(bytes.length - macBytes), mac(secret, payload))) return undefined;
  const values: string[] = [];
  let at = 0;
  for (let i = 0; i < 4; i++) {
    const next = unpack(payload, at);
    if (!next) return undefined;
    values.push(next[0]);
    at = next[1];
  }
  if (at !== payload.length) return undefined;
  const [runId, contactId, nodeId, link] = values as [string, string, string, string];
  return { runId, contactId, nodeId, link };
}
