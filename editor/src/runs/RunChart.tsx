// A small chart of the run over time: contacts still in the journey and contacts that finished it, from the deltas.
import { memo } from 'react';
import type { LivePoint } from './live-state.ts';

const width = 320;
const height = 90;
const pad = { left: 34, right: 8, top: 8, bottom: 18 };

function polyline(points: LivePoint[], value: (p: LivePoint) => number, x: (at: number) => number, y: (n: number) => number): string {
  return points.map((p) => `${x(p.at).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ');
}

const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function RunChartView({ points, audience }: { points: LivePoint[]; audience: number }) {
  const first = points[0];
  const last = points.at(-1);
  const top = Math.max(1, audience, ...points.map((p) => Math.max(p.active, p.completed)));
  const span = first && last ? Math.max(1, last.at - first.at) : 1;
  const x = (at: number) => pad.left + ((at - (first?.at ?? 0)) / span) * (width - pad.left - pad.right);
  const y = (n: number) => pad.top + (1 - n / top) * (height - pad.top - pad.bottom);
  const label = last
    ? `Chart of the run since you started watching: ${last.active.toLocaleString()} contacts in the journey and ${last.completed.toLocaleString()} finished now.`
    : 'Chart of the run: no figures yet.';
  return (
    <figure className="run-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
        <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} className="axis" />
        <line x1={pad.left} x2={width - pad.right} y1={y(top)} y2={y(top)} className="grid" />
        <text x={pad.left - 4} y={y(top) + 4} textAnchor="end">
          {top.toLocaleString()}
        </text>
        <text x={pad.left - 4} y={y(0) + 4} textAnchor="end">
          0
        </text>
        {first && last && (
          <>
            <text x={pad.left} y={height - 4}>
              {clock(first.at)}
            </text>
            <text x={width - pad.right} y={height - 4} textAnchor="end">
              {clock(last.at)}
            </text>
          </>
        )}
        {points.length > 0 && <polyline points={polyline(points, (p) => p.completed, x, y)} className="line-completed" />}
        {points.length > 0 && <polyline points={polyline(points, (p) => p.active, x, y)} className="line-active" />}
      </svg>
      <figcaption className="legend">
        <span className="swatch line-active-swatch" /> In the journey <span className="swatch line-completed-swatch" /> Finished
      </figcaption>
    </figure>
  );
}

export const RunChart = memo(RunChartView);
