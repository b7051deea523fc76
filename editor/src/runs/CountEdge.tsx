// A connection on the run canvas, labelled at its exit with how many contacts left the step that way.
// The label sits by the exit, not mid-way, where the connections of a step's several exits would pile their labels up.
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { StepEdge } from '../canvas/flow-elements.ts';
import { splitEdgeId } from '../store/editor-store.ts';
import { usePortCount } from './live-store.ts';

function CountEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd }: EdgeProps<StepEdge>) {
  const [source, port] = splitEdgeId(id);
  const count = usePortCount(source, port);
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const used = (count ?? 0) > 0;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={used ? 'edge-used' : undefined} />
      <EdgeLabelRenderer>
        <div
          className={`edge-count${used ? ' is-used' : ''}`}
          style={{ transform: `translate(0, -50%) translate(${sourceX + 9}px, ${sourceY}px)` }}
          data-edge={id}
          title={`${(count ?? 0).toLocaleString()} contacts left “${source}” by “${port}”`}
        >
          {(count ?? 0).toLocaleString()}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const CountEdge = memo(CountEdgeView);
