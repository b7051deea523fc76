// The dialer benchmark: every scenario's shifts simulated under progressive, VICIdial-style and our predictive pacing.
//
//   npm run bench:dialer -- [--json] [--quick] [--replications N] [--workers N]
//
// Scenarios: 10, 50 and 200 agents; 10, 20 and 35 % live answers; mean talk of 90 and 300 s; detector errors of 2 and
// 5 %; an 8-hour shift each; 20 replications (3 with --quick). Replication r of a scenario dials the same contacts,
// with the same fates, under all three policies (common random numbers). Shifts run on worker threads, one per core.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { abandonmentDefinitions } from '../runtime/dialer/abandonment.ts';
import { createPolicy, simulateShift, type PolicyName, type ShiftResult, type ShiftScenario } from '../bench/dialer/shift-simulation.ts';

const policies: PolicyName[] = ['progressive', 'vicidial', 'predictive'];
const definition = abandonmentDefinitions.US;
const cap = definition.capPercent / 100;

interface Task {
  scenario: ShiftScenario;
}

interface TaskResult {
  scenario: ShiftScenario;
  results: Record<PolicyName, ShiftResult>;
  ms: number;
}

export interface BenchRow {
  agents: number;
  liveRate: number;
  talkMeanSeconds: number;
  amdErrorRate: number;
  policy: PolicyName;
  occupancy: number;
  talkMinutesPerAgentHour: number;
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
  for (const name of policies) results[name] = simulateShift(task.scenario, createPolicy(name, definition), definition);
  return { scenario: task.scenario, results, ms: performance.now() - started };
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
  const json = process.argv.includes('--json');
  const replications = Number(option('--replications') ?? (process.argv.includes('--quick') ? 3 : 20));
  const workers = Math.max(1, Number(option('--workers') ?? Math.min(2, availableParallelism())));
  const tasks: Task[] = [];
  for (const agents of [10, 50, 200]) {
    for (const liveRate of [0.1, 0.2, 0.35]) {
      for (const talkMeanSeconds of [90, 300]) {
        for (const amdErrorRate of [0.02, 0.05]) {
          for (let replication = 0; replication < replications; replication++) {
            tasks.push({
              scenario: { agents, liveRate, talkMeanSeconds, amdErrorRate, shiftHours: 8, ringSeconds: 25, seed: 20261125, replication, ratePerMinute: 0.012 },
            });
          }
        }
      }
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
  const ours = rows.filter((r) => r.policy === 'predictive');
  const worst = Math.max(...ours.map((r) => r.maxAbandonRate));
  process.stdout.write(
    `\n${tasks.length} scenario replications × 3 policies in ${seconds.toFixed(0)} s on ${workers} worker(s). ` +
      `Predictive: highest shift abandonment ${pct(worst)}, shifts over the cap ${ours.reduce((n, r) => n + r.capBreachShare * r.replications, 0)}.\n`,
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
    for (const policy of policies) {
      const talk = mean(policy, (r) => r.talkMinutesPerAgentHour);
      rows.push({
        agents,
        liveRate,
        talkMeanSeconds,
        amdErrorRate,
        policy,
        occupancy: round(
          mean(policy, (r) => r.occupancy),
          4,
        ),
        talkMinutesPerAgentHour: round(talk, 2),
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
  const header = ['agents', 'live', 'talk s', 'AMD err', 'policy', 'occupancy', 'talk min/agent h', 'gain', 'abandon', 'worst 30 min', 'max shift', 'over cap'];
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
