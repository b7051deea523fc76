// Renders a template for the sample contact in the browser, with the same Liquid rules the runtime renders with.
import { Liquid } from 'liquidjs';
import type { SampleScope } from './sample-contact.ts';

const liquid = new Liquid({ strictVariables: true, strictFilters: true, lenientIf: true, ownPropertyOnly: true, renderLimit: 200 });

export type Preview = { text: string } | { error: string };

export function renderPreview(template: string, scope: SampleScope, links: Record<string, string>): Preview {
  try {
    return { text: liquid.parseAndRenderSync(template, { ...scope, links }) as string };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    const undefinedVariable = /undefined variable: ([\w.[\]-]+)/i.exec(message)?.[1];
    if (undefinedVariable) return { error: `The sample contact has no value for ${undefinedVariable}.` };
    return { error: message };
  }
}

/**
 * What a tracked link looks like in the message, so that the length and segment count are right: the server's
 * address, "/t/" and a token as long as the server's (runtime/nodes/links.ts): the run id's 16 bytes, the contact id's
 * 10 (an imported one) or its text, the step's and the link's names, 12 bytes of signature, in base64url.
 */
export function trackedLinkLike(nodeId: string, contactId: string, link: string): string {
  const text = (value: string) => 2 + new TextEncoder().encode(value).length;
  const bytes = 17 + (/^c_[0-9a-f]{20}$/.test(contactId) ? 11 : text(contactId)) + text(nodeId) + text(link) + 12;
  return `${window.location.origin}/t/${'x'.repeat(Math.ceil((bytes * 4) / 3))}`;
}
