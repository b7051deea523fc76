// `email`: renders the subject and message for this contact and hands them to the email provider.
import { openPixelUrl, renderLinks } from './links.ts';
import { templateScope, type NodeHandler } from './types.ts';

export const email: NodeHandler<'email'> = {
  enter: ({ runId, node, contact, results, services }) => {
    if (!contact.email) {
      return { type: 'exit', port: 'failed', events: [{ type: 'email.bounced', data: { reason: 'The contact has no email address' } }] };
    }
    const c = node.config;
    const links = renderLinks(c.links, c.trackLinks, { runId, contactId: contact.id, nodeId: node.id }, services.linkToken);
    const scope = templateScope(contact, results, links);
    return {
      type: 'send',
      payload: {
        channel: 'email',
        to: contact.email,
        ...(c.from && { from: c.from }),
        ...(c.replyTo && { replyTo: c.replyTo }),
        subject: services.render(c.subject, scope),
        ...(c.text && { text: services.render(c.text, scope) }),
        ...(c.html && { html: services.render(c.html, scope) }),
        trackOpens: c.trackOpens,
        ...(c.trackOpens && { openPixel: openPixelUrl({ runId, contactId: contact.id, nodeId: node.id }, services.linkToken) }),
        links,
      },
    };
  },
};
