// Tracked links: each declared link becomes an address that records the click before it redirects.

/** Where tracked links point; the server answers there, records `link.clicked` and redirects. */
export function trackingBaseUrl(): string {
  return (process.env.JOURNEY_PUBLIC_URL ?? 'http://localhost:3000').replace(/\/$/, '');
}

/** `{name: address}` for the template: tracked addresses when tracking is on, the plain ones otherwise. */
export function renderLinks(
  links: Record<string, string> | undefined,
  track: boolean,
  ids: { runId: string; contactId: string; nodeId: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, target] of Object.entries(links ?? {})) {
    out[name] = track ? `${trackingBaseUrl()}/t/${encodeLinkToken({ ...ids, link: name })}` : target;
  }
  return out;
}

/**
 * The address of an email's open pixel: a token like a link's, with no link name. The server answers there with a
 * transparent image and records `email.opened` for the contact.
 */
export function openPixelUrl(ids: { runId: string; contactId: string; nodeId: string }): string {
  return `${trackingBaseUrl()}/o/${encodeLinkToken({ ...ids, link: '' })}`;
}

export interface LinkToken {
  runId: string;
  contactId: string;
  nodeId: string;
  link: string;
}

export function encodeLinkToken(token: LinkToken): string {
  return Buffer.from(JSON.stringify([token.runId, token.contactId, token.nodeId, token.link])).toString('base64url');
}

export function decodeLinkToken(text: string): LinkToken | undefined {
  try {
    const [runId, contactId, nodeId, link] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as string[];
    if ([runId, contactId, nodeId, link].every((v) => typeof v === 'string')) return { runId: runId!, contactId: contactId!, nodeId: nodeId!, link: link! };
  } catch {
    // fall through: not a token of ours
  }
  return undefined;
}
