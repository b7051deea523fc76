// The dialer benchmark: every scenario's shifts simulated under progressive, VICIdial and our predictive pacing.
//
//   npm run bench:dialer -- [--json] [--quick] [--replications N] [--workers N] [--seed N]
//   npm run bench:dialer -- --tables-from RUN.json    (the tables of a run saved with --json, without running it again)
//
// Scenarios: 10, 50 and 200 agents; 10, 20 and 35 % live answers; mean talk of 90 and 300 s; detector errors of 2 and
// 5 %; an 8-hour shift each; 20 replications (3 with --quick). Replication r of a scenario dials the same contacts,
// with the same fates, under every policy (common random numbers). Shifts run on worker threads, one per core.
// `vicidial` runs the setting tuned for the scenario on other seeds (bench/dialer/vicidial-settings.json, written by
// `npm run tune:vicidial -- --json`); `vicidial-adapt-average` the first baseline's ADAPT_AVERAGE setting. Every row
// carries the scenario's fluid bound (bench/dialer/fluid-bound.ts) and its talk time as a share of it.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { abandonmentDefinitions } from '../runtime/dialer/abandonment.ts';
import { scenarioBound } from '../bench/dialer/fluid-bound.ts';
import { benchmarkSeed, readTunedSettings, scenarioGrid, scenarioId } from '../bench/dialer/scenarios.ts';
import { adaptAverageSettings, createPolicy, simulateShift, type PolicyName, type ShiftResult, type ShiftScenario } from '../bench/dialer/shift-simulation.ts';
import { defaultVicidialSettings, describeSetting, type VicidialSettings } from '../bench/dialer/vicidial-pacing.ts';

const policies: PolicyName[] = ['progressive', 'vicidial', 'vicidial-adapt-average', 'predictive'];
const definition = abandonmentDefinitions.US;
const cap = definition.capPercent / 100;

interface Task {
  scenario: ShiftScenario;
  /** The VICIdial setting tuned for the scenario. */
  vicidial: VicidialSettings;
}

interface TaskResult {
  scenario: ShiftScenario;
  vicidial: VicidialSettings;
  results: Record<PolicyName, ShiftResult>;
  ms: number;
}

export interface BenchRow {
  agents: number;
  liveRate: number;
  talkMeanSeconds: number;
  amdErrorRate: number;
  policy: PolicyName;
  /** The VICIdial setting run (vicidial rows: tuned per scenario on other seeds). */
  setting?: string;
  occupancy: number;
  talkMinutesPerAgentHour: number;
  /** The most talk minutes an agent hour could hold if agents never waited for a call (the fluid bound). */
  boundTalkMinutesPerAgentHour: number;
  /** Talk minutes per agent hour as a share of the bound. */
  shareOfBound: number;
  /**
   * Mean over replications of each shift's abandoned share of live answers (US definition), people the detector took
   * for machines and hung up on included: the carrier knows who answered.
   */
  abandonRate: number;
  /** The part of `abandonRate` from the detector's hang-ups on people. */
  detectorAbandonRate: number;
  /** Mean over replications of each shift's worst 30-minute window. */
  worstWindowAbandonRate: number;
  /** Share of replications whose shift broke the 3 % cap. */
  capBreachShare: number;
  /** The highest shift abandonment of any replication. */
  maxAbandonRate: number;
  /** Talk minutes per agent hour over progressive's, same scenario. */
  gainOverProgressive: number;
  /** People hung up on by the detector, per live answer (the same as `detectorAbandonRate`, kept for older readers). */
  amdHangUpRate: number;
  dialRatio: number;
  timeToConnectSeconds: number;
  handleTimeSeconds: number;
  callMinutesPerAgentHour: number;
  callCostPerAgentHour: number;
  replications: number;
}

function runTask(task: Task): TaskResult {
  const started = performance.now();
  const results = {} as Record<PolicyName, ShiftResult>;
  for (const name of policies) results[name] = simulateShift(task.scenario, createPolicy(name, definition, task.vicidial), definition);
  return { scenario: task.scenario, vicidial: task.vicidial, results, ms: performance.now() - started };
}

if (!isMainThread) {
  for (const task of workerData as Task[]) parentPort!.postMessage(runTask(task));
} else {
  await main();
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const saved = option('--tables-from');
  if (saved) {
    const rows = JSON.parse(readFileSync(saved, 'utf8')) as BenchRow[];
    process.stdout.write(`${renderTable(rows)}\n${renderSummary(rows)}\n${overCapLine(rows)}\n`);
    return;
  }
  const json = process.argv.includes('--json');
  const replications = Number(option('--replications') ?? (process.argv.includes('--quick') ? 3 : 20));
  const workers = Math.max(1, Number(option('--workers') ?? Math.min(2, availableParallelism())));
  // Another seed than the benchmark's, to try a change without fitting the benchmark's draws.
  const seed = Number(option('--seed') ?? benchmarkSeed);
  const tuned = new Map(readTunedSettings().scenarios.map((t) => [scenarioId(t), t.setting]));
  const tasks: Task[] = [];
  for (const key of scenarioGrid()) {
    const vicidial = tuned.get(scenarioId(key));
    if (!vicidial) throw new Error(`No tuned VICIdial setting for scenario ${scenarioId(key)}: run npm run tune:vicidial -- --json`);
    for (let replication = 0; replication < replications; replication++) {
      tasks.push({ scenario: { ...key, shiftHours: 8, ringSeconds: 25, seed, replication, ratePerMinute: 0.012 }, vicidial });
    }
  }
  // The biggest shifts first, dealt round-robin, so that the workers finish together.
  const weight = (s: ShiftScenario) => (s.agents / s.liveRate) * (1 / (s.talkMeanSeconds + 15));
  tasks.sort((a, b) => weight(b.scenario) - weight(a.scenario));
  const started = performance.now();
  const done: TaskResult[] = [];
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const share = tasks.filter((_, i) => i % workers === w);
      return new Promise<void>((resolve, reject) => {
        // Workers do not inherit tsx's loader from the command line: a small script registers it, then loads this file.
        const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
        const worker = new Worker(boot, { eval: true, workerData: share });
        worker.on('message', (result: TaskResult) => {
          done.push(result);
          if (!json && done.length % 60 === 0) process.stderr.write(`${done.length}/${tasks.length} scenario replications\n`);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`A benchmark worker stopped with code ${code}`))));
      });
    }),
  );
  const rows = aggregate(done);
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write(renderTable(rows));
  process.stdout.write(`\n${renderSummary(rows)}`);
  process.stdout.write(
    `\n${tasks.length} scenario replications × ${policies.length} policies in ${seconds.toFixed(0)} s on ${workers} worker(s). ${overCapLine(rows)}\n`,
  );
}

function overCapLine(rows: BenchRow[]): string {
  const overCap = (policy: PolicyName) => rows.filter((r) => r.policy === policy).reduce((n, r) => n + Math.round(r.capBreachShare * r.replications), 0);
  const worst = Math.max(...rows.filter((r) => r.policy === 'predictive').map((r) => r.maxAbandonRate));
  return (
    `Predictive: highest shift abandonment ${pct(worst)}, shifts over the cap ${overCap('predictive')}. ` +
    `VICIdial tuned: shifts over the cap ${overCap('vicidial')}; ADAPT_AVERAGE: ${overCap('vicidial-adapt-average')}.`
  );
}

function aggregate(done: TaskResult[]): BenchRow[] {
  const groups = new Map<string, TaskResult[]>();
  for (const result of done) {
    const { agents, liveRate, talkMeanSeconds, amdErrorRate } = result.scenario;
    const key = JSON.stringify([agents, liveRate, talkMeanSeconds, amdErrorRate]);
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  const rows: BenchRow[] = [];
  const keys = [...groups.keys()].sort((a, b) => {
    const [x, y] = [JSON.parse(a) as number[], JSON.parse(b) as number[]];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  });
  for (const key of keys) {
    const group = groups.get(key)!;
    const { agents, liveRate, talkMeanSeconds, amdErrorRate, shiftHours } = group[0]!.scenario;
    const mean = (policy: PolicyName, f: (r: ShiftResult) => number) => group.reduce((sum, g) => sum + f(g.results[policy]), 0) / group.length;
    const progressiveTalk = mean('progressive', (r) => r.talkMinutesPerAgentHour);
    const agentHours = agents * shiftHours;
    const bound = scenarioBound(group[0]!.scenario);
    for (const policy of policies) {
      // The bound is physical: a shift above it means the bound or the simulation is wrong.
      for (const g of group) {
        if (g.results[policy].talkMinutesPerAgentHour > bound) {
          throw new Error(
            `${policy} shift ${g.scenario.replication} of ${key} talked ${g.results[policy].talkMinutesPerAgentHour} min/agent h, over the bound ${bound}`,
          );
        }
      }
      const talk = mean(policy, (r) => r.talkMinutesPerAgentHour);
      const setting =
        policy === 'vicidial'
          ? describeSetting(group[0]!.vicidial)
          : policy === 'vicidial-adapt-average'
            ? describeSetting({ ...defaultVicidialSettings, ...adaptAverageSettings, droppedPercentage: definition.capPercent })
            : undefined;
      rows.push({
        agents,
        liveRate,
        talkMeanSeconds,
        amdErrorRate,
        policy,
        ...(setting ? { setting } : {}),
        occupancy: round(
          mean(policy, (r) => r.occupancy),
          4,
        ),
        talkMinutesPerAgentHour: round(talk, 2),
        boundTalkMinutesPerAgentHour: round(bound, 2),
        shareOfBound: round(talk / bound, 4),
        abandonRate: round(
          mean(policy, (r) => r.abandonRate),
          5,
        ),
        detectorAbandonRate: round(
          mean(policy, (r) => r.detectorAbandonRate),
          5,
        ),
        worstWindowAbandonRate: round(
          mean(policy, (r) => r.worstWindowAbandonRate),
          5,
        ),
        capBreachShare: round(
          mean(policy, (r) => (r.abandonRate > cap ? 1 : 0)),
          4,
        ),
        maxAbandonRate: round(Math.max(...group.map((g) => g.results[policy].abandonRate)), 5),
        gainOverProgressive: round(talk / progressiveTalk, 3),
        amdHangUpRate: round(
          mean(policy, (r) => (r.liveAnswers ? r.humansHungUpByAmd / r.liveAnswers : 0)),
          5,
        ),
        dialRatio: round(
          mean(policy, (r) => r.dialRatio),
          2,
        ),
        timeToConnectSeconds: round(
          mean(policy, (r) => r.timeToConnectSeconds),
          1,
        ),
        handleTimeSeconds: round(
          mean(policy, (r) => r.handleTimeSeconds),
          1,
        ),
        callMinutesPerAgentHour: round(
          mean(policy, (r) => r.callMinutes / agentHours),
          2,
        ),
        callCostPerAgentHour: round(
          mean(policy, (r) => r.callCost / agentHours),
          3,
        ),
        replications: group.length,
      });
    }
  }
  return rows;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

/** A Markdown table, as docs/dialer.md shows it. */
function renderTable(rows: BenchRow[]): string {
  const header = [
    'agents',
    'live',
    'talk s',
    'AMD err',
    'policy',
    'occupancy',
    'talk min/agent h',
    'of bound',
    'gain',
    'abandon',
    'worst 30 min',
    'max shift',
    'over cap',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' ---').join(' |')} |`];
  for (const r of rows) {
    lines.push(
      `| ${[
        r.agents,
        `${r.liveRate * 100} %`,
        r.talkMeanSeconds,
        `${r.amdErrorRate * 100} %`,
        r.policy,
        pct(r.occupancy).replace('.00', ''),
        r.talkMinutesPerAgentHour.toFixed(1),
        pct(r.shareOfBound).replace(/(\.\d)\d/, '$1'),
        `${r.gainOverProgressive.toFixed(2)}×`,
        pct(r.abandonRate),
        pct(r.worstWindowAbandonRate),
        pct(r.maxAbandonRate),
        pct(r.capBreachShare).replace('.00', ''),
      ].join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One line per scenario, as docs/performance.md shows it: the bound, each policy's talk time, VICIdial's setting. */
function renderSummary(rows: BenchRow[]): string {
  const header = [
    'agents',
    'live',
    'talk s',
    'AMD err',
    'bound',
    'progressive',
    'VICIdial tuned (abandon, max shift)',
    'VICIdial setting',
    'ours (abandon, max shift)',
    'ours ÷ VICIdial',
    'ours, of bound',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' ---').join(' |')} |`];
  const one = (r: BenchRow) => `${r.talkMinutesPerAgentHour.toFixed(1)} (${pct(r.abandonRate)}, ${pct(r.maxAbandonRate)})`;
  for (let i = 0; i < rows.length; i += policies.length) {
    const [progressive, vicidial, , ours] = rows.slice(i, i + policies.length) as [BenchRow, BenchRow, BenchRow, BenchRow];
    lines.push(
      `| ${[
        ours.agents,
        `${ours.liveRate * 100} %`,
        ours.talkMeanSeconds,
        `${ours.amdErrorRate * 100} %`,
        ours.boundTalkMinutesPerAgentHour.toFixed(1),
        progressive.talkMinutesPerAgentHour.toFixed(1),
        one(vicidial),
        vicidial.setting,
        one(ours),
        `${(ours.talkMinutesPerAgentHour / vicidial.talkMinutesPerAgentHour).toFixed(2)}×`,
        pct(ours.shareOfBound).replace(/(\.\d)\d/, '$1'),
      ].join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
