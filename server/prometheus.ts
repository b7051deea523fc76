// GET /metrics in the Prometheus text format, read from the runs table and the running counters, never from events.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Store } from '../runtime/store/dialect.ts';
import { parseJson } from '../runtime/store/json.ts';

export interface ProcessGauges {
  webSocketClients: number;
  webSocketMessages: number;
}

const dialerPorts = ['connected', 'machine', 'no-answer', 'abandoned'];

/**
 * Event-loop delay of this process, measured from the first scrape on (so that start-up work, before anyone watches,
 * does not hide in the maximum for the whole life of the process). One per process: every app in it shares the loop.
 */
let loopDelay: IntervalHistogram | undefined;

function processLines(): string[] {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
  }
  // The histogram counts nanoseconds; before its first sample it has nothing to say, so 0.
  const seconds = (ns: number) => (loopDelay!.count > 0 && Number.isFinite(ns) ? ns / 1e9 : 0);
  return [
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    '# HELP nodejs_heap_used_bytes V8 heap in use, in bytes.',
    '# TYPE nodejs_heap_used_bytes gauge',
    `nodejs_heap_used_bytes ${process.memoryUsage().heapUsed}`,
    '# HELP nodejs_eventloop_delay_seconds Event-loop delay since the first scrape of /metrics (10 ms resolution).',
    '# TYPE nodejs_eventloop_delay_seconds summary',
    ...[0.5, 0.99].map((q) => `nodejs_eventloop_delay_seconds{quantile="${q}"} ${seconds(loopDelay!.percentile(q * 100))}`),
    '# HELP nodejs_eventloop_delay_max_seconds Longest event-loop delay since the first scrape of /metrics.',
    '# TYPE nodejs_eventloop_delay_max_seconds gauge',
    `nodejs_eventloop_delay_max_seconds ${seconds(loopDelay.max)}`,
  ];
}

/** The part of a dialer step's saved gauges (runtime/dialer/paced-dialer.ts: `gauges`) the abandon ratio is made of. */
interface AbandonGauge {
  liveAnswers?: number;
  abandoned?: number;
  detector?: { estimatedPeople?: number };
}

/**
 * The abandoned calls the rules count, over the legal window of every dialer step of a running or paused run, as its
 * live gauge last showed them: calls that reached no agent in time, plus the estimated people among the machine
 * verdicts hung up on, added to the abandoned calls and the live answers alike (the same sums as the gauge's `rate`).
 */
async function liveAbandonment(store: Store): Promise<{ liveAnswers: number; abandoned: number; estimatedPeople: number }> {
  const rows = await store.db
    .selectFrom('dialer_state')
    .innerJoin('runs', 'runs.id', 'dialer_state.run_id')
    .select('dialer_state.state')
    .where('dialer_state.node_id', '!=', '')
    .where('runs.status', 'in', ['running', 'paused'])
    .execute();
  const sums = { liveAnswers: 0, abandoned: 0, estimatedPeople: 0 };
  const count = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  for (const row of rows) {
    const abandon = (parseJson(row.state) as { abandon?: AbandonGauge }).abandon;
    if (!abandon) continue;
    sums.liveAnswers += count(abandon.liveAnswers);
    sums.abandoned += count(abandon.abandoned);
    sums.estimatedPeople += count(abandon.detector?.estimatedPeople);
  }
  return sums;
}

export async function prometheusText(store: Store, gauges: ProcessGauges): Promise<string> {
  const db = store.db;
  const runs = await db
    .selectFrom('runs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const global = await db
    .selectFrom('counters')
    .select(['metric', (eb) => eb.fn.sum<number>('count').as('n')])
    .where((eb) =>
      eb.or([
        eb('metric', '=', 'entered'),
        eb('metric', 'like', 'sent:%'),
        eb(
          'metric',
          'in',
          dialerPorts.map((p) => `port:${p}`),
        ),
      ]),
    )
    .groupBy('metric')
    .execute();
  const total = (metric: string) => Number(global.find((g) => g.metric === metric)?.n ?? 0);
  const portAnswers = total('port:connected') + total('port:abandoned');
  const live = await liveAbandonment(store);
  const liveDenominator = live.liveAnswers + live.estimatedPeople;
  const lines = [
    '# HELP journey_runs Runs by status.',
    '# TYPE journey_runs gauge',
    ...['scheduled', 'running', 'paused', 'stopped', 'completed'].map((s) => `journey_runs{status="${s}"} ${Number(runs.find((r) => r.status === s)?.n ?? 0)}`),
    '# HELP journey_contact_steps_total Steps entered by contacts, all runs.',
    '# TYPE journey_contact_steps_total counter',
    `journey_contact_steps_total ${total('entered')}`,
    '# HELP journey_sends_total Messages accepted by providers, per channel.',
    '# TYPE journey_sends_total counter',
    ...['sms', 'email', 'webhook'].map((c) => `journey_sends_total{channel="${c}"} ${total(`sent:${c}`)}`),
    '# HELP journey_calls_total Calls finished by dialer steps, per result.',
    '# TYPE journey_calls_total counter',
    ...dialerPorts.map((p) => `journey_calls_total{result="${p}"} ${total(`port:${p}`)}`),
    '# HELP journey_calls_abandon_ratio Abandoned calls over live answers as the rules count them, over the legal window of every dialer step of a running or paused run (the figure its live gauge shows): people who answered and reached no agent in time, including people the answering-machine detector took for a machine, which is an estimate from its accuracy.',
    '# TYPE journey_calls_abandon_ratio gauge',
    `journey_calls_abandon_ratio ${liveDenominator ? (live.abandoned + live.estimatedPeople) / liveDenominator : 0}`,
    '# HELP journey_calls_abandon_detector_estimated_people Estimated people among the machine verdicts hung up on, in journey_calls_abandon_ratio (an estimate from the detector accuracy).',
    '# TYPE journey_calls_abandon_detector_estimated_people gauge',
    `journey_calls_abandon_detector_estimated_people ${live.estimatedPeople}`,
    '# HELP journey_calls_abandoned_port_ratio Calls that left dialer steps by the abandoned port over those by the connected and abandoned ports, all runs: people the detector hung up on are not in it.',
    '# TYPE journey_calls_abandoned_port_ratio gauge',
    `journey_calls_abandoned_port_ratio ${portAnswers ? total('port:abandoned') / portAnswers : 0}`,
    '# HELP journey_websocket_clients Connected live-monitoring clients.',
    '# TYPE journey_websocket_clients gauge',
    `journey_websocket_clients ${gauges.webSocketClients}`,
    '# HELP journey_websocket_messages_total Messages sent to live-monitoring clients.',
    '# TYPE journey_websocket_messages_total counter',
    `journey_websocket_messages_total ${gauges.webSocketMessages}`,
    ...processLines(),
  ];
  return `${lines.join('\n')}\n`;
}
