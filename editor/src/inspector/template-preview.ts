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
 * What a tracked link looks like in the message, so that the length and segment count are right:
 * the server's address, "/t/" and a token naming the run, contact, step and link.
 */
export function trackedLinkLike(nodeId: string, contactId: string, link: string): string {
  const token = btoa(JSON.stringify(['00000000-0000-0000-0000-000000000000', contactId, nodeId, link]))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
  return `${window.location.origin}/t/${token}`;
}
