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
import { channelResults, type RunChannelResults } from './channel-results.ts';
import { runMetrics, type StepMetrics } from './metrics.ts';
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
  /** The run's channel results, as the API's run metrics give them (runtime/channel-results.ts). */
  channels: RunChannelResults['run'];
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
      channels: (await channelResults(store.db, run.id)).run,
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
  const { texts, emails, calls, webhooks } = report.channels;
  lines.push(
    `Texts: ${texts.sent} sent, ${texts.delivered} delivered, ${texts.failed} failed, ${texts.replied} replied, ${texts.clicked} clicked, ${texts.optedOut} opted out`,
  );
  lines.push(
    `Emails: ${emails.sent} sent, ${emails.delivered} delivered, ${emails.bounced} bounced, ${emails.opened} opened (at least), ${emails.clicked} clicked, ${emails.unsubscribed} unsubscribed`,
  );
  lines.push(
    `Calls: ${calls.placed} placed, ${calls.answeredByPeople} answered by people, ${calls.answeredByMachines} by machines, ${calls.noAnswer} no answer, ${calls.busy} busy, ${calls.failed} failed, ${calls.connectedToAgents} connected to agents, ${calls.abandoned} abandoned; ${calls.talkMinutes} talk minutes`,
  );
  if (webhooks.ok + webhooks.failed) lines.push(`Webhooks: ${webhooks.ok} ok, ${webhooks.failed} failed`);
  lines.push(`Link clicks: ${report.channels.clicks}; opt-outs: ${report.channels.optOuts}`);
  return `${lines.join('\n')}\n`;
}
