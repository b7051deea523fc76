// `sms`: renders the text for this contact and hands it to the SMS provider.
import { renderLinks } from './links.ts';
import { templateScope, type NodeHandler } from './types.ts';

export const sms: NodeHandler<'sms'> = {
  enter: ({ runId, node, contact, results, services }) => {
    if (!contact.phone) {
      return { type: 'exit', port: 'failed', events: [{ type: 'sms.failed', data: { reason: 'The contact has no phone number' } }] };
    }
    const links = renderLinks(node.config.links, node.config.trackLinks, { runId, contactId: contact.id, nodeId: node.id }, services.linkToken);
    const body = services.render(node.config.body, templateScope(contact, results, links));
    return {
      type: 'send',
      payload: { channel: 'sms', to: contact.phone, ...(node.config.from && { from: node.config.from }), body, links },
    };
  },
};
