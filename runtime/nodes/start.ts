// `start`: the contact enters; nothing to decide.
import type { NodeHandler } from './types.ts';

export const start: NodeHandler<'start'> = {
  enter: () => ({ type: 'exit', port: 'out', events: [{ type: 'contact.entered' }] }),
};
