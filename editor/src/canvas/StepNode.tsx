// One step on the canvas, drawn from its kind's definition: icon, title, summary, problems badge and a handle per exit.
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { definitionOf, isNodeKind } from '../../../schemas/catalogue.ts';
import { portsOfNode } from '../model/document.ts';
import { errorCount } from '../model/problems.ts';
import { kindLabel, portLabel, summaryOf, titleOf } from './describe.ts';
import type { StepFlowNode } from './flow-elements.ts';
import { Icon } from './icons.tsx';

const diffWords = { added: 'Added', removed: 'Removed', changed: 'Changed', rewired: 'Connections changed' } as const;

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const { node, problems, diff } = data;
  const def = isNodeKind(node.type) ? definitionOf(node.type) : undefined;
  const ports = portsOfNode(node);
  const portKey = ports.join('\n');
  const updateNodeInternals = useUpdateNodeInternals();
  // React Flow measures handles when a step's size changes; a renamed exit keeps the size, so ask it to measure again.
  // Not on mount: React Flow measures a new step itself, and 200 steps each asking on their own, one after another,
  // made the browser lay out the whole canvas 200 times when a large journey opened.
  const measuredPorts = useRef(portKey);
  useEffect(() => {
    if (measuredPorts.current === portKey) return;
    measuredPorts.current = portKey;
    updateNodeInternals(id);
  }, [id, portKey, updateNodeInternals]);
  const summary = summaryOf(node);
  const errors = errorCount(problems);
  const warnings = problems.length - errors;
  const title = titleOf(node);
  return (
    <div
      className={`step step-${def?.category ?? 'unknown'}${selected ? ' is-selected' : ''}${diff ? ` diff-${diff}` : ''}`}
      data-step-id={id}
      role="group"
      aria-label={`${kindLabel(node.type)} step ${title}`}
    >
      {node.type !== 'start' && (
        <Handle type="target" position={Position.Left} id="in" className="handle-in" title={`Drop a connection here to lead into “${title}”`} />
      )}
      <div className="step-head">
        <span className="step-icon">
          <Icon name={def?.icon ?? ''} />
        </span>
        <div className="step-titles">
          <div className="step-title">{title}</div>
          <div className="step-kind">
            {kindLabel(node.type)} · <code>{id}</code>
          </div>
        </div>
        {problems.length > 0 && (
          <span
            className={`step-badge ${errors ? 'badge-error' : 'badge-warning'}`}
            title={problems.map((p) => `${p.severity === 'error' ? 'Error' : 'Warning'}: ${p.message}`).join('\n')}
            aria-label={`${errors ? `${errors} error${errors === 1 ? '' : 's'}` : ''}${errors && warnings ? ', ' : ''}${warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`}
            role="img"
          >
            {errors ? '!' : '?'}
            <span className="badge-count">{errors || warnings}</span>
          </span>
        )}
      </div>
      <div className={`step-summary${summary.complete ? '' : ' is-incomplete'}`}>{summary.text}</div>
      {diff && <div className={`step-diff-tag`}>{diffWords[diff]}</div>}
      {ports.length > 0 && (
        <ul className="step-ports">
          {ports.map((port) => (
            <li key={port} className={node.next?.[port] ? 'is-connected' : ''}>
              <span>{portLabel(node, port)}</span>
              <Handle
                type="source"
                position={Position.Right}
                id={port}
                className="handle-out"
                title={`Drag from here to the next step for “${portLabel(node, port)}”`}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const StepNode = memo(StepNodeView);

/** Built once, at module level, as React Flow asks; every kind is drawn by the same component from its definition. */
export const nodeTypes = { step: StepNode };
