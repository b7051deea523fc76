// Every example journey simulated over its sample contact list: it finishes, adds up, and is repeatable per seed.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { metricsFromEvents, runMetrics } from './metrics.ts';
import { simulateJourney, type SimulationReport } from './simulation.ts';
import { freshStore, testDialects } from './store/test-stores.ts';

const examplesDir = fileURLToPath(new URL('../examples/', import.meta.url));
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.journey.json'))
  .map((f) => f.slice(0, -'.journey.json'.length))
  .sort();

const audience = 250;
// A simulation of 250 contacts takes a few seconds on SQLite and several times that on PostgreSQL on a busy machine.
const timeout = 180_000;

function load(name: string): { document: unknown; csv: string } {
  return {
    document: JSON.parse(readFileSync(`${examplesDir}${name}.journey.json`, 'utf8')) as unknown,
    csv: readFileSync(`${examplesDir}${name}.contacts.csv`, 'utf8'),
  };
}

/** Simulates in a fresh store of the dialect and checks the counters against the event log before closing it. */
async function simulate(dialect: 'sqlite' | 'postgres', name: string, seed: number): Promise<SimulationReport> {
  const { document, csv } = load(name);
  const store = await freshStore(dialect);
  try {
    const report = await simulateJourney({ document, contactsCsv: csv, seed, store });
    const runId = `simulation-${seed}`;
    expect(await runMetrics(store.db, runId)).toEqual(await metricsFromEvents(store.db, runId));
    return report;
  } finally {
    await store.close();
  }
}

/** The first SQLite report per example and seed: the reference the other runs must reproduce. */
const sqliteReports = new Map<string, Promise<SimulationReport>>();
function sqliteReference(name: string, seed: number): Promise<SimulationReport> {
  const key = `${name}:${seed}`;
  let report = sqliteReports.get(key);
  if (!report) {
    report = simulate('sqlite', name, seed);
    sqliteReports.set(key, report);
  }
  return report;
}

function expectSound(report: SimulationReport, seed: number): void {
  expect(report.completed).toBe(true);
  expect(report.seed).toBe(seed);
  expect(report.audience).toBe(audience);
  expect(report.import).toEqual({ rows: audience, imported: audience, merged: 0, skipped: 0, problems: 0 });
  expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(audience);
  // Everyone entered and nobody is still held anywhere.
  expect(report.steps[0]).toMatchObject({ type: 'start', entered: audience });
  for (const step of report.steps) expect([step.id, step.waiting]).toEqual([step.id, 0]);
  // The outcomes recorded at the steps are the run's outcomes.
  const atSteps: Record<string, number> = {};
  for (const step of report.steps) for (const [o, n] of Object.entries(step.outcomes)) atSteps[o] = (atSteps[o] ?? 0) + n;
  expect(atSteps).toEqual(report.outcomes);
}

/** Equal but for the seed they name. */
function sameApartFromSeed(a: SimulationReport, b: SimulationReport): boolean {
  return JSON.stringify({ ...a, seed: 0 }) === JSON.stringify({ ...b, seed: 0 });
}

it('finds the four examples', () => {
  expect(examples).toEqual(['appointment-reminder', 'missed-payment', 'subscription-renewal', 'us-telemarketing']);
});

describe.each(testDialects)('simulation on %s', (dialect) => {
  // On SQLite the reference is a first run of the same seed; on PostgreSQL it is the SQLite run, so that an equal
  // report shows both that the seed fixes the result and that the store does not change it.
  // PostgreSQL runs wait on the database much of the time, so they overlap well; SQLite runs block the thread anyway.
  const each = dialect === 'sqlite' ? it.each(examples) : it.concurrent.each(examples);
  each(
    '%s runs to completion, its outcomes add up to the audience, and the same seed gives the same report',
    async (name) => {
      const reference = await sqliteReference(name, 1);
      expectSound(reference, 1);
      const report = await simulate(dialect, name, 1);
      expectSound(report, 1);
      expect(report).toEqual(reference);
    },
    timeout,
  );

  it(
    'a different seed gives a different report for at least one example',
    async () => {
      const differing: string[] = [];
      for (const name of examples) {
        const [one, two] = await Promise.all([dialect === 'sqlite' ? sqliteReference(name, 1) : simulate(dialect, name, 1), simulate(dialect, name, 2)]);
        expectSound(two, 2);
        // On PostgreSQL this is a second run of seed 1 there, which must again give the reference report.
        if (dialect !== 'sqlite') expect(one).toEqual(await sqliteReference(name, 1));
        if (!sameApartFromSeed(one, two)) {
          differing.push(name);
          break;
        }
      }
      expect(differing.length).toBeGreaterThan(0);
    },
    timeout,
  );
});
