// How fast the `journey` command starts from the compiled build, against Node itself starting with nothing to do.
//
//   npm run bench:cli -- [--runs 7] [--json]
//
// Each round runs `node -e 0`, `journey --help` and `journey validate` of one example, one after the other, so that
// the three share whatever else the machine is doing; the figures are the medians over the rounds, and the ratios to
// `node -e 0` are what the targets are about: --help within 3 times, validate within 6 times. The build is made first
// when it is missing or older than the sources, and a command that falls back to tsx fails the benchmark.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildState, packageRoot } from '../server/bin/build-state.mjs';
import { buildServer } from './build-server.ts';

const targets = { help: 3, validate: 6 };

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 5) throw new Error(`--runs must be a whole number of at least 5, not "${values.runs}"`);

if (buildState('server').state !== 'fresh') {
  process.stderr.write('Building dist/server first (it is missing or older than the sources).\n');
  await buildServer();
}

const bin = join(packageRoot, 'server', 'bin', 'journey.mjs');
const example = join(packageRoot, 'examples', 'missed-payment.journey.json');
const commands = {
  node: ['-e', '0'],
  help: [bin, '--help'],
  validate: [bin, 'validate', example],
} as const;

/** Seconds one run of `node ...args` took, from spawn to exit; it must succeed and must not fall back to tsx. */
function timed(args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  if (/through tsx/.test(result.stderr)) throw new Error(`node ${args.join(' ')} ran the sources through tsx, not the build: ${result.stderr}`);
  return seconds;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const times: Record<keyof typeof commands, number[]> = { node: [], help: [], validate: [] };
// One round to warm the file cache, not counted.
for (const args of Object.values(commands)) timed(args);
for (let round = 0; round < runs; round++) {
  for (const [name, args] of Object.entries(commands) as [keyof typeof commands, readonly string[]][]) times[name].push(timed(args));
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const nodeSeconds = median(times.node);
const helpSeconds = median(times.help);
const validateSeconds = median(times.validate);
const helpRatio = helpSeconds / nodeSeconds;
const validateRatio = validateSeconds / nodeSeconds;
const result = {
  nodeSeconds: round3(nodeSeconds),
  helpSeconds: round3(helpSeconds),
  validateSeconds: round3(validateSeconds),
  helpRatio: Math.round(helpRatio * 100) / 100,
  validateRatio: Math.round(validateRatio * 100) / 100,
  helpTargetMet: helpRatio <= targets.help,
  validateTargetMet: validateRatio <= targets.validate,
  runs,
  load: loadavg().map((l) => Math.round(l * 100) / 100),
};

if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const verdict = (met: boolean, target: number) => `${met ? 'meets' : 'misses'} the target of ${target}×`;
  console.log(`Medians of ${runs} runs each (load average ${result.load.join(', ')}):`);
  console.log(`  node -e 0                   ${nodeSeconds.toFixed(3)} s`);
  console.log(`  journey --help              ${helpSeconds.toFixed(3)} s  ${helpRatio.toFixed(2)}× node, ${verdict(result.helpTargetMet, targets.help)}`);
  console.log(
    `  journey validate (example)  ${validateSeconds.toFixed(3)} s  ${validateRatio.toFixed(2)}× node, ${verdict(result.validateTargetMet, targets.validate)}`,
  );
}
