// Picks, for each benchmark scenario, the VICIdial setting a compliance-minded admin would run: the one with the most
// talk time whose tuning shifts all stayed under the cap, counted as the benchmark counts them (US definition, people
// the detector hung up on included: the simulation knows who answered). Tuning runs on seeds the benchmark does not use.
//
//   npm run tune:vicidial -- [--json] [--quick] [--replications N] [--seed N] [--workers N]
//
// With --json it writes bench/dialer/vicidial-settings.json, which `npm run bench:dialer` reads. The search, per
// scenario (--quick: 2 replications of 8-hour shifts; else 4 and a finer ladder of levels):
// - for RATIO with a 1 s drop timer, RATIO with VICIdial's default 5 s, and RATIO with the detector off (1 s), the
//   highest fixed level of a ladder under the cap, found by bisection (abandonment grows with the level);
// - for ADAPT_HARD_LIMIT with a drop limit of 2.25 % and a 1 s drop timer, the highest adaptive_maximum_level under the
//   cap, by bisection; at that maximum, ADAPT_AVERAGE, ADAPT_TAPERED (latest time the shift's end) and
//   ADAPT_HARD_LIMIT with adaptive_intensity −20 and 20.
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { abandonmentDefinitions } from '../runtime/dialer/abandonment.ts';
import {
  benchmarkSeed,
  scenarioGrid,
  scenarioId,
  tunedSettingsPath,
  type ScenarioKey,
  type TunedScenario,
  type TunedSettingsFile,
} from '../bench/dialer/scenarios.ts';
import { createPolicy, simulateShift } from '../bench/dialer/shift-simulation.ts';
import { defaultVicidialSettings, describeSetting, type VicidialSettings } from '../bench/dialer/vicidial-pacing.ts';

const definition = abandonmentDefinitions.US;
const cap = definition.capPercent / 100;
const shiftHours = 8;

interface Job {
  key: ScenarioKey;
  seed: number;
  replications: number;
  quick: boolean;
}

interface Trial {
  setting: VicidialSettings;
  talk: number;
  maxAbandon: number;
  feasible: boolean;
}

function trial(job: Job, over: Partial<VicidialSettings>): Trial {
  const setting: VicidialSettings = { ...defaultVicidialSettings, latestServerTime: 900 + shiftHours * 100, ...over };
  let talk = 0;
  let maxAbandon = 0;
  for (let replication = 0; replication < job.replications; replication++) {
    const scenario = { ...job.key, shiftHours, ringSeconds: 25, seed: job.seed, replication, ratePerMinute: 0.012 };
    const shift = simulateShift(scenario, createPolicy('vicidial', definition, setting), definition);
    talk += shift.talkMinutesPerAgentHour / job.replications;
    // What happened, as the benchmark judges it: the simulation knows which machine verdicts were people.
    maxAbandon = Math.max(maxAbandon, shift.abandonRate);
  }
  return { setting, talk, maxAbandon, feasible: maxAbandon <= cap };
}

/** The highest rung of `ladder` whose trial is under the cap, by bisection; every trial made is kept in `tried`. */
function highestFeasible(ladder: number[], make: (x: number) => Partial<VicidialSettings>, job: Job, tried: Trial[]): Trial | undefined {
  let lo = 0;
  let hi = ladder.length - 1;
  let best: Trial | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = trial(job, make(ladder[mid]!));
    tried.push(t);
    if (t.feasible) {
      best = t;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function tune(job: Job): TunedScenario {
  const tried: Trial[] = [];
  const levels = job.quick ? [1, 1.2, 1.4, 1.7, 2, 2.5, 3, 4, 5] : [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.7, 1.9, 2.1, 2.4, 2.7, 3, 3.5, 4, 5, 6];
  for (const base of [
    { dropCallSeconds: 1, amd: true },
    { dropCallSeconds: 5, amd: true },
    { dropCallSeconds: 1, amd: false },
  ]) {
    highestFeasible(levels, (startLevel) => ({ ...base, method: 'RATIO', startLevel }), job, tried);
  }
  const adaptive = { droppedPercentage: 2.25, dropCallSeconds: 1, amd: true } as const;
  const hard = highestFeasible(levels.slice(1), (maximumLevel) => ({ ...adaptive, method: 'ADAPT_HARD_LIMIT', maximumLevel }), job, tried);
  const maximumLevel = hard?.setting.maximumLevel ?? 1.2;
  for (const over of [
    { method: 'ADAPT_AVERAGE' as const },
    { method: 'ADAPT_TAPERED' as const },
    { method: 'ADAPT_HARD_LIMIT' as const, intensity: -20 },
    { method: 'ADAPT_HARD_LIMIT' as const, intensity: 20 },
  ]) {
    tried.push(trial(job, { ...adaptive, maximumLevel, ...over }));
  }
  const feasible = tried.filter((t) => t.feasible);
  const best = feasible.length
    ? feasible.reduce((a, b) => (b.talk > a.talk ? b : a))
    : tried.reduce((a, b) => (b.maxAbandon < a.maxAbandon || (b.maxAbandon === a.maxAbandon && b.talk > a.talk) ? b : a));
  return {
    ...job.key,
    setting: best.setting,
    tuningTalkMinutesPerAgentHour: Math.round(best.talk * 100) / 100,
    tuningMaxAbandonRate: Math.round(best.maxAbandon * 1e5) / 1e5,
    underCap: best.feasible,
  };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (!isMainThread) {
  for (const job of workerData as Job[]) parentPort!.postMessage(tune(job));
} else {
  await main();
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const replications = Number(option('--replications') ?? (quick ? 2 : 4));
  const seed = Number(option('--seed') ?? 777);
  if (seed === benchmarkSeed) throw new Error(`Tuning must not use the benchmark's seed ${benchmarkSeed}`);
  const workers = Math.max(1, Number(option('--workers') ?? Math.min(2, availableParallelism())));
  const jobs: Job[] = scenarioGrid().map((key) => ({ key, seed, replications, quick }));
  // The heaviest scenarios first, dealt round-robin, so that the workers finish together.
  const weight = (k: ScenarioKey) => (k.agents / k.liveRate) * (1 / (k.talkMeanSeconds + 15));
  const order = [...jobs].sort((a, b) => weight(b.key) - weight(a.key));
  const started = performance.now();
  const done = new Map<string, TunedScenario>();
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const share = order.filter((_, i) => i % workers === w);
      return new Promise<void>((resolve, reject) => {
        const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const worker = new Worker(boot, { eval: true, workerData: share });
        worker.on('message', (t: TunedScenario) => {
          done.set(scenarioId(t), t);
          process.stderr.write(
            `${scenarioId(t)}: ${describeSetting(t.setting)}; ${t.tuningTalkMinutesPerAgentHour} talk min/agent h, worst shift ${(t.tuningMaxAbandonRate * 100).toFixed(2)} %${t.underCap ? '' : ' (none under the cap)'}\n`,
          );
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`A tuning worker stopped with code ${code}`))));
      });
    }),
  );
  const file: TunedSettingsFile = {
    seed,
    replications,
    shiftHours,
    definition: definition.profile,
    scenarios: jobs.map((j) => done.get(scenarioId(j.key))!),
  };
  process.stderr.write(`Tuned ${jobs.length} scenarios in ${((performance.now() - started) / 1000).toFixed(0)} s on ${workers} worker(s).\n`);
  if (process.argv.includes('--json')) {
    writeFileSync(tunedSettingsPath, `${JSON.stringify(file, null, 2)}\n`);
    process.stderr.write(`Wrote ${tunedSettingsPath.pathname}\n`);
  }
}
