// `end`: the contact's journey is over, with the step's outcome.
import type { NodeHandler } from './types.ts';

export const end: NodeHandler<'end'> = {
  enter: ({ node }) => ({ type: 'end', outcome: node.config.outcome }),
};
