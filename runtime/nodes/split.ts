// `split`: picks a path by percentage, from a number fixed per run and contact so a replay lands the same way.
import type { NodeHandler } from './types.ts';

export const split: NodeHandler<'split'> = {
  enter: ({ node, services }) => {
    const draw = services.random(`split:${node.id}`) * 100;
    let total = 0;
    for (const branch of node.config.branches) {
      total += branch.percent;
      if (draw < total) return { type: 'exit', port: branch.port };
    }
    return { type: 'exit', port: node.config.branches[node.config.branches.length - 1]!.port };
  },
};
