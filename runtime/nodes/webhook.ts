// `webhook`: renders the request for this contact and hands it to the HTTP channel, which saves the reply.
import { templateScope, type NodeHandler } from './types.ts';

export const webhook: NodeHandler<'webhook'> = {
  enter: ({ node, contact, results, services }) => {
    const c = node.config;
    const scope = templateScope(contact, results);
    return {
      type: 'send',
      payload: {
        channel: 'webhook',
        url: services.render(c.url, scope),
        method: c.method,
        headers: { 'content-type': 'application/json', ...c.headers },
        ...(c.body !== undefined && { body: services.render(c.body, scope) }),
        timeoutMs: c.timeoutMs,
        concurrency: c.concurrency,
        ratePerSecond: c.ratePerSecond,
      },
    };
  },
};
