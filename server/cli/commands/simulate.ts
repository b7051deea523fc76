// `journey simulate FILE --contacts CSV`: plays a journey over a contact list on a virtual clock and reports per step.
import { parseArgs } from 'node:util';
import { readText, UsageError, type Io } from '../io.ts';
import { formatProblem } from './validate.ts';

export const simulateHelp = `journey simulate FILE --contacts CSV [--seed N] [--days D] [--start ISO] [--agents N] [--json]
  Runs the journey for every contact of the CSV with simulated SMS, email and calls on a virtual clock
  (a week takes seconds) and prints, per step, how many entered, left by each exit and still wait.
  The same seed gives the same output. --start defaults to 2026-01-05T09:00 in the journey's time zone.`;

export async function simulateCommand(args: string[], io: Io): Promise<number> {
  const { loadJourney } = await import('../../../schemas/parse.ts');
  const { MissingAttributesError, renderSimulation, simulateJourney } = await import('../../../runtime/simulation.ts');
  const { values, positionals } = parseArgs({
    args,
    options: {
      contacts: { type: 'string' },
      seed: { type: 'string', default: '1' },
      days: { type: 'string', default: '30' },
      start: { type: 'string' },
      agents: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('journey simulate needs one journey file');
  if (!values.contacts) throw new UsageError('journey simulate needs --contacts with a CSV file of contacts');
  const seed = Number(values.seed);
  const days = Number(values.days);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not "${values.seed}"`);
  if (!(days > 0)) throw new UsageError(`--days must be a positive number, not "${values.days}"`);
  const agents = values.agents === undefined ? undefined : Number(values.agents);
  if (agents !== undefined && !(Number.isInteger(agents) && agents > 0))
    throw new UsageError(`--agents must be a positive whole number, not "${values.agents}"`);

  const file = positionals[0]!;
  const read = await readText(io, file);
  if ('error' in read) {
    io.err(`${file}: ${read.error}\n`);
    return 1;
  }
  const loaded = loadJourney(read.text);
  if (!loaded.journey) {
    for (const p of loaded.problems.filter((p) => p.severity === 'error')) io.err(`${formatProblem(file, p)}\n`);
    io.err(`${file} has errors; fix them before simulating (journey validate ${file})\n`);
    return 1;
  }
  const csv = await readText(io, values.contacts);
  if ('error' in csv) {
    io.err(`${values.contacts}: ${csv.error}\n`);
    return 1;
  }
  const queues = Object.values(loaded.journey.nodes).flatMap((n) => (n.type === 'dialer' && n.config.queue ? [n.config.queue] : []));
  let report: Awaited<ReturnType<typeof simulateJourney>>;
  try {
    report = await simulateJourney({
      document: loaded.value,
      contactsCsv: csv.text,
      seed,
      days,
      ...(values.start && { start: values.start }),
      ...(agents !== undefined && { options: { agents: Object.fromEntries(queues.map((q) => [q, agents])) } }),
    });
  } catch (error) {
    if (!(error instanceof MissingAttributesError)) throw error;
    for (const p of error.problems) io.err(`${formatProblem(file, p)}\n`);
    io.err(`${values.contacts} lacks columns ${file} reads; add them to the CSV or fix the names in the journey\n`);
    return 1;
  }
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderSimulation(report));
  return 0;
}
