// A step on the run canvas: the design canvas's own step, with the run's live figures for it beside.
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { portLabel } from '../canvas/describe.ts';
import type { StepFlowNode } from '../canvas/flow-elements.ts';
import { StepNode } from '../canvas/StepNode.tsx';
import { portsOfNode, type FileNode } from '../model/document.ts';
import { DialerPanel } from './DialerPanel.tsx';
import { useStepMetrics } from './live-store.ts';

/** Contacts that reached the step and contacts held there now, in a tag above the step. */
function StepCounts({ id }: { id: string }) {
  const step = useStepMetrics(id);
  return (
    <div className="step-live" data-live-step={id} data-entered={step?.entered ?? 0} data-waiting={step?.waiting ?? 0}>
      <span title="Contacts that reached this step">
        <strong>{(step?.entered ?? 0).toLocaleString()}</strong> reached
      </span>
      <span title="Contacts held at this step now: waiting, on a call or waiting for a reply" className={step?.waiting ? 'is-waiting' : undefined}>
        <strong>{(step?.waiting ?? 0).toLocaleString()}</strong> here now
      </span>
    </div>
  );
}

/** Below the step: the exits that lead nowhere and the outcomes recorded here, which no connection can show. */
function StepEnds({ id, node }: { id: string; node: FileNode }) {
  const step = useStepMetrics(id);
  const ends = portsOfNode(node).filter((port) => !node.next?.[port] && (step?.ports[port] ?? 0) > 0);
  const outcomes = Object.entries(step?.outcomes ?? {});
  if (!ends.length && !outcomes.length) return null;
  return (
    <ul className="step-ends">
      {ends.map((port) => (
        <li key={port} data-port-count={`${id}:${port}`} data-count={step?.ports[port]}>
          {portLabel(node, port)}: <strong>{step?.ports[port]?.toLocaleString()}</strong> (journey ends)
        </li>
      ))}
      {outcomes.map(([outcome, n]) => (
        <li key={outcome} data-outcome={`${id}:${outcome}`} data-count={n}>
          Finished “{outcome}”: <strong>{n.toLocaleString()}</strong>
        </li>
      ))}
    </ul>
  );
}

function RunStepNodeView(props: NodeProps<StepFlowNode>) {
  const { node } = props.data;
  return (
    <div className="run-step">
      <StepNode {...props} />
      <StepCounts id={props.id} />
      <div className="step-below">
        <StepEnds id={props.id} node={node} />
        {node.type === 'dialer' && <DialerPanel id={props.id} node={node} />}
      </div>
    </div>
  );
}

export const RunStepNode = memo(RunStepNodeView);
