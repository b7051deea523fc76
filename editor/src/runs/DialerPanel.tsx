// The dialer step's live gauges: calls under way, agents busy and free, abandoned calls against the limit.
import { memo } from 'react';
import type { FileNode } from '../model/document.ts';
import { abandonHint, aboutPeople, dialerFigures } from './dialer-gauges.ts';
import { useDialerState, useLive, useStepMetrics } from './live-store.ts';

const whole = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString());

/** The dialer's names for calls under way, in words a manager reads. */
const callWords: Record<string, string> = { ringing: 'ringing', waiting: 'answered, waiting for an agent', preview: 'shown to an agent first' };

function DialerPanelView({ id, node }: { id: string; node: FileNode }) {
  const { gauges, runAgents } = useDialerState(id);
  const step = useStepMetrics(id);
  // The last gauges of a run are from before its end: an agent still in wrap-up then is nobody's business now.
  const over = useLive((s) => s.status === 'completed' || s.status === 'stopped');
  const queue = typeof node.config.queue === 'string' ? node.config.queue : undefined;
  const cap = typeof node.config.maxAbandonRate === 'number' ? node.config.maxAbandonRate : undefined;
  const f = dialerFigures({ gauges, runAgents, step, ...(queue !== undefined && { queue }), ...(cap !== undefined && { maxAbandonRate: cap }) });
  const rate = f.abandonPercent;
  const overCap = rate !== undefined && rate > f.capPercent;
  const agentless = node.config.mode === 'agentless';
  const callDetail = Object.entries(f.calls ?? {})
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${n} ${callWords[what] ?? what}`)
    .join(', ');
  return (
    <dl className="dialer-panel" data-dialer={id} aria-label={`Dialer of ${id}`}>
      <div>
        <dt>Calls under way</dt>
        <dd data-gauge="calls" title={callDetail || undefined}>
          {over ? 'none: the run is over' : f.callsInFlight === undefined ? '—' : callDetail || 'none'}
        </dd>
      </div>
      {!agentless && (
        <div>
          <dt>Agents</dt>
          <dd data-gauge="agents">{over ? 'none working: the run is over' : `${whole(f.agentsBusy)} busy · ${whole(f.agentsFree)} free`}</dd>
        </div>
      )}
      <div title={abandonHint(f)}>
        <dt>Abandoned</dt>
        <dd data-gauge="abandon" className={overCap ? 'is-over' : undefined}>
          {rate === undefined ? 'no answers yet' : `${rate.toFixed(1)} %`} · limit {f.capPercent} %{overCap ? ' (over!)' : ''}
        </dd>
        <dd className="dialer-meter">
          <meter
            min={0}
            max={f.capPercent * 2}
            low={f.capPercent * 0.8}
            high={f.capPercent}
            optimum={0}
            value={Math.min(rate ?? 0, f.capPercent * 2)}
            aria-label="Abandoned calls against the limit"
          />
        </dd>
        {f.detectorEstimatedPeople !== undefined && f.detectorEstimatedPeople > 0 && (
          <dd data-gauge="abandon-detector" className="dialer-detector">
            incl. {aboutPeople(f.detectorEstimatedPeople)} people taken for answering machines (estimate)
          </dd>
        )}
      </div>
    </dl>
  );
}

export const DialerPanel = memo(DialerPanelView);
