// Renders a template for the sample contact in the browser, with the same Liquid rules the runtime renders with.
import { Liquid } from 'liquidjs';
import { loopCost, maxLoopPasses, templateLimits } from '../../../schemas/templates.ts';
import type { SampleScope } from './sample-contact.ts';

// The runtime's limits, so that the preview fails where a run would, and stops long before the page would freeze.
const liquid = new Liquid({ strictVariables: true, strictFilters: true, lenientIf: true, ownPropertyOnly: true, ...templateLimits });

export type Preview = { text: string } | { error: string };

// The preview is drawn on every render of the field, not only when the text changes; the last answer is kept.
let last: { template: string; scope: SampleScope; links: string; preview: Preview } | undefined;

export function renderPreview(template: string, scope: SampleScope, links: Record<string, string>): Preview {
  const linksKey = JSON.stringify(links);
  if (last && last.template === template && last.scope === scope && last.links === linksKey) return last.preview;
  const preview = render(template, scope, links);
  last = { template, scope, links: linksKey, preview };
  return preview;
}

function render(template: string, scope: SampleScope, links: Record<string, string>): Preview {
  // Loops the validator refuses are not rendered at all: a million passes would hold the page for every keystroke.
  const loops = loopCost(template);
  if (loops) {
    return {
      error: `The template loops ${loops.passes.toLocaleString('en-US')} times for each contact (${loops.loops}); at most ${maxLoopPasses.toLocaleString('en-US')} are allowed. Use smaller ranges or a limit:.`,
    };
  }
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
