// `dialer`: the contact joins the step's call queue; the dialer's pacing places the call and its outcome picks the port.
import type { NodeHandler } from './types.ts';

export const dialer: NodeHandler<'dialer'> = {
  enter: ({ contact }) => {
    if (!contact.phone) {
      return { type: 'exit', port: 'failed', result: { disposition: 'no-phone-number' }, events: [] };
    }
    return { type: 'dial' };
  },
};
