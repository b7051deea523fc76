// A whole journey played on a virtual clock over a contact list, in a store of its own: what `journey simulate` prints.
import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import type { Journey } from '../schemas/journey.ts';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from './channels/simulated.ts';
import { VirtualClock } from './clock.ts';
import { importContactsCsv, type ImportReport } from './contacts/import-csv.ts';
import { PacedDialer } from './dialer/paced-dialer.ts';
import { Interpreter } from './engine/interpreter.ts';
import type { RunOptions } from './engine/run-context.ts';
import { startRun } from './engine/runs.ts';
import { runMetrics, type StepMetrics } from './metrics.ts';
import { parseJson } from './store/json.ts';
import { openStore, type Store } from './store/dialect.ts';
import { migrate } from './store/migrate.ts';
import { ensureContactList, publishJourney } from './store/repositories/journeys.ts';
import { missingAttributeProblems } from './contacts/list-columns.ts';
import type { Problem } from '../schemas/problems.ts';

/** The contacts lack attributes the journey reads: simulating would show every message with blanks in it. */
export class MissingAttributesError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => p.message).join('\n'));
  }
}

export interface SimulationRequest {
  /** The journey file's parsed JSON. */
  document: unknown;
  contactsCsv: Readable | string;
  seed?: number;
  days?: number;
  /** ISO date-time the run starts; a fixed Monday morning by default, so that the same seed gives the same output. */
  start?: string;
  options?: RunOptions;
  /** A store to simulate in; a temporary in-memory SQLite store by default. */
  store?: Store;
}

export interface SimulationReport {
  journey: { id: string; name: string };
  seed: number;
  start: string;
  end: string;
  completed: boolean;
  audience: number;
  import: Pick<ImportReport, 'rows' | 'imported' | 'merged' | 'skipped'> & { problems: number };
  steps: ({ id: string; type: string; label?: string } & StepMetrics)[];
  outcomes: Record<string, number>;
  channels: {
    sms: { sent: number; failed: number; delivered: number; replies: number };
    email: { sent: number; bounced: number; opened: number };
    calls: { placed: number; connected: number; machines: number; noAnswer: number; abandoned: number; failed: number; minutes: number };
    clicks: number;
    optOuts: number;
  };
}

export const defaultSimulationStart = '2026-01-05T09:00:00';

export async function simulateJourney(request: SimulationRequest): Promise<SimulationReport> {
  const seed = request.seed ?? 1;
  const store = request.store ?? openStore(':memory:');
  const ownStore = !request.store;
  try {
    await migrate(store);
    const { id: journeyId, settings } = request.document as Journey;
    const start = DateTime.fromISO(request.start ?? defaultSimulationStart, { zone: settings?.timezone ?? 'UTC' });
    if (!start.isValid) throw new Error(`The start "${request.start}" is not a date and time such as 2026-01-05T09:00:00`);
    const now = start.toMillis();
    const clock = new VirtualClock(now);
    const published = await publishJourney(store.db, request.document, { author: 'simulation', message: 'simulation', now });
    const listId = `simulation-${journeyId}`;
    await ensureContactList(store.db, listId, listId, now);
    const input = typeof request.contactsCsv === 'string' ? Readable.from([request.contactsCsv]) : request.contactsCsv;
    const imported = await importContactsCsv(store.db, input, { listId, now });
    const missing = await missingAttributeProblems(store.db, request.document, listId);
    if (missing.length) throw new MissingAttributesError(missing);
    const run = await startRun(store, {
      id: `simulation-${seed}`,
      journeyId,
      version: published.version,
      listId,
      now,
      simulated: true,
      seed,
      options: request.options ?? {},
    });
    const interpreter = new Interpreter({
      store,
      clock,
      providers: {
        sms: new SimulatedSms(store.db, seed),
        email: new SimulatedEmail(store.db, seed),
        webhook: new SimulatedWebhook(store.db),
        voice: new SimulatedWebhook(store.db),
      },
      dialer: new PacedDialer(),
    });
    const until = now + (request.days ?? 30) * 86_400_000;
    const { completed } = await interpreter.runToCompletion(run.id, { until, advance: (t) => clock.advanceTo(t), resolutionMs: 1000 });
    const metrics = await runMetrics(store.db, run.id);
    const context = await interpreter.context(run.id);
    return {
      journey: { id: journeyId, name: context.journey.name },
      seed,
      start: new Date(now).toISOString(),
      end: new Date(clock.now()).toISOString(),
      completed,
      audience: metrics.audience,
      import: {
        rows: imported.rows,
        imported: imported.imported,
        merged: imported.merged,
        skipped: imported.skipped,
        problems: imported.problems.length + imported.problemsTruncated,
      },
      steps: journeyOrder(context.journey).map((node) => ({
        id: node.id,
        type: node.type,
        ...(node.label !== undefined && { label: node.label }),
        ...(metrics.steps[node.id] ?? { entered: 0, waiting: 0, ports: {}, outcomes: {} }),
      })),
      outcomes: metrics.outcomes,
      channels: await channelTotals(store, run.id),
    };
  } finally {
    if (ownStore) await store.close();
  }
}

/** Steps in the order a contact meets them: breadth first from the start, exits in port order. */
function journeyOrder(journey: Journey) {
  const start = Object.values(journey.nodes).find((n) => n.type === 'start');
  const order: string[] = start ? [start.id] : [];
  for (let i = 0; i < order.length; i++) {
    for (const next of Object.values(journey.nodes[order[i]!]!.next)) if (!order.includes(next)) order.push(next);
  }
  for (const id of Object.keys(journey.nodes)) if (!order.includes(id)) order.push(id);
  return order.map((id) => journey.nodes[id]!);
}

async function channelTotals(store: Store, runId: string): Promise<SimulationReport['channels']> {
  const rows = await store.db
    .selectFrom('events')
    .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('type')
    .execute();
  const n = (type: string) => Number(rows.find((r) => r.type === type)?.n ?? 0);
  const ended = await store.db.selectFrom('events').select('data').where('run_id', '=', runId).where('type', '=', 'call.ended').execute();
  const ports: Record<string, number> = {};
  let seconds = 0;
  for (const e of ended) {
    const { port, billableSeconds } = parseJson(e.data);
    if (typeof port === 'string' && port) ports[port] = (ports[port] ?? 0) + 1;
    if (typeof billableSeconds === 'number') seconds += billableSeconds;
  }
  return {
    sms: { sent: n('sms.sent'), failed: n('sms.failed'), delivered: n('sms.delivered'), replies: n('sms.replied') },
    email: { sent: n('email.sent'), bounced: n('email.bounced'), opened: n('email.opened') },
    calls: {
      placed: n('call.placed'),
      connected: ports.connected ?? 0,
      machines: ports.machine ?? 0,
      noAnswer: ports['no-answer'] ?? 0,
      abandoned: ports.abandoned ?? 0,
      failed: ports.failed ?? 0,
      minutes: Math.round((seconds / 60) * 10) / 10,
    },
    clicks: n('link.clicked'),
    optOuts: n('contact.optedOut'),
  };
}

/** The report as a table a manager can read in a terminal. */
export function renderSimulation(report: SimulationReport): string {
  const lines: string[] = [];
  const days = (Date.parse(report.end) - Date.parse(report.start)) / 86_400_000;
  lines.push(
    `Simulated "${report.journey.name}" for ${report.audience} contacts (seed ${report.seed}), from ${report.start} for ${days.toFixed(1)} days: ${report.completed ? 'every contact finished' : 'stopped before every contact finished'}.`,
  );
  if (report.import.skipped || report.import.problems)
    lines.push(`Contact list: ${report.import.rows} rows, ${report.import.skipped} skipped, ${report.import.problems} problems.`);
  lines.push('');
  const rows = report.steps.map((s) => [
    `${s.id}${s.label ? ` (${s.label})` : ''}`,
    String(s.entered),
    Object.entries(s.ports)
      .map(([p, c]) => `${p} ${c}`)
      .join(', ') || (Object.keys(s.outcomes).length ? `ended ${Object.values(s.outcomes).reduce((a, b) => a + b, 0)}` : '-'),
    String(s.waiting),
  ]);
  const header = ['Step', 'Entered', 'Left by', 'Still waiting'];
  const width = [0, 1, 2, 3].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 1 || i === 3 ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(line(header), ...rows.map(line), '');
  const total = Object.values(report.outcomes).reduce((a, b) => a + b, 0);
  lines.push(
    `Outcomes (${total} of ${report.audience}): ${
      Object.entries(report.outcomes)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([o, c]) => `${o} ${c}`)
        .join(', ') || 'none yet'
    }`,
  );
  const c = report.channels;
  lines.push(`SMS: ${c.sms.sent} sent, ${c.sms.delivered} delivered, ${c.sms.failed} failed, ${c.sms.replies} replies`);
  lines.push(`Email: ${c.email.sent} sent, ${c.email.bounced} bounced, ${c.email.opened} opened`);
  lines.push(
    `Calls: ${c.calls.placed} placed, ${c.calls.connected} connected, ${c.calls.machines} answering machines, ${c.calls.noAnswer} no answer, ${c.calls.abandoned} abandoned, ${c.calls.failed} failed; ${c.calls.minutes} call minutes`,
  );
  lines.push(`Link clicks: ${c.clicks}; opt-outs: ${c.optOuts}`);
  return `${lines.join('\n')}\n`;
}
