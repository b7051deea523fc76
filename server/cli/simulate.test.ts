// `journey simulate` through main(), reading real files: repeatable output, JSON that adds up, plain errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../runtime/simulation.ts';
import { postgresUrl, testDialects } from '../../runtime/store/test-stores.ts';
import { processIo, type Io } from './io.ts';
import { main } from './main.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const journeyFile = join(examples, 'appointment-reminder.journey.json');
const contactsFile = join(examples, 'appointment-reminder.contacts.csv');
const timeout = 120_000;

/** The process's own file access, with stdout and stderr captured. */
function capturingIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), readFile: processIo.readFile, writeFile: processIo.writeFile };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

async function journey(args: string[]) {
  const t = capturingIo();
  const code = await main(['simulate', ...args], t.io);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

const noStackTrace = /\n\s+at\s/;

/** Output of the first run per flags, to compare the runs under another DATABASE_URL with. */
const firstOutputs = new Map<string, string>();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'journey-simulate-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The command simulates in a store of its own; DATABASE_URL (SQLite file by default, or PostgreSQL) must not change
// what it prints, nor be written to.
describe.each(testDialects)('journey simulate with DATABASE_URL for %s', (dialect) => {
  const saved = { url: process.env.DATABASE_URL, debug: process.env.JOURNEY_DEBUG };
  beforeEach(() => {
    delete process.env.JOURNEY_DEBUG;
    if (dialect === 'postgres') process.env.DATABASE_URL = postgresUrl!;
    else process.env.DATABASE_URL = `sqlite:${join(dir, 'must-not-be-created.db')}`;
  });
  afterEach(() => {
    for (const [name, value] of [
      ['DATABASE_URL', saved.url],
      ['JOURNEY_DEBUG', saved.debug],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it(
    'prints the same bytes twice for the same seed',
    async () => {
      const args = [journeyFile, '--contacts', contactsFile, '--seed', '42'];
      const first = await journey(args);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Simulated "Appointment reminder/);
      expect(first.stdout).toContain('(seed 42)');
      expect(first.stdout).toContain('Outcomes (250 of 250)');
      const second = await journey(args);
      expect(second.code).toBe(0);
      expect(Buffer.from(second.stdout)).toEqual(Buffer.from(first.stdout));
      const earlier = firstOutputs.get('text');
      if (earlier === undefined) firstOutputs.set('text', first.stdout);
      else expect(first.stdout).toBe(earlier);
      if (dialect === 'sqlite') expect(() => readFileSync(join(dir, 'must-not-be-created.db'))).toThrow();
    },
    timeout,
  );

  it(
    '--json prints a report whose outcomes add up to the audience',
    async () => {
      const { code, stdout, stderr } = await journey([journeyFile, '--contacts', contactsFile, '--json', '--seed', '42']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout.endsWith('}\n')).toBe(true);
      const report = JSON.parse(stdout) as SimulationReport;
      expect(report).toMatchObject({ seed: 42, completed: true, audience: 250, journey: { id: 'appointment-reminder' } });
      expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(250);
      const earlier = firstOutputs.get('json');
      if (earlier === undefined) firstOutputs.set('json', stdout);
      else expect(stdout).toBe(earlier);
    },
    timeout,
  );

  it('without --contacts: a usage message and exit code 2', async () => {
    const { code, stdout, stderr } = await journey([journeyFile]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^journey simulate: journey simulate needs --contacts with a CSV file of contacts\n/);
    expect(stderr).toContain('journey simulate FILE --contacts CSV');
    expect(stderr).not.toMatch(noStackTrace);
  });

  it('with a --seed that is not a whole number: a usage message and exit code 2', async () => {
    for (const seed of ['abc', '1.5']) {
      const { code, stdout, stderr } = await journey([journeyFile, '--contacts', contactsFile, '--seed', seed]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^journey simulate: --seed must be a whole number, not "${seed.replace('.', '\\.')}"\n`));
      expect(stderr).not.toMatch(noStackTrace);
    }
  });

  it('with a journey file that does not validate: each error, a hint and exit code 1', async () => {
    const doc = JSON.parse(readFileSync(journeyFile, 'utf8')) as { nodes: Record<string, { config: Record<string, unknown> }> };
    doc.nodes['reminder-text']!.config.body = '';
    const bad = join(dir, `invalid-${dialect}.journey.json`);
    writeFileSync(bad, JSON.stringify(doc, null, 2));
    const { code, stdout, stderr } = await journey([bad, '--contacts', contactsFile]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `${bad}: /nodes/reminder-text/config/body (node reminder-text): The SMS step 'Text the appointment details' has no text\n` +
        `${bad} has errors; fix them before simulating (journey validate ${bad})\n`,
    );
  });

  it('with a journey file that is not JSON: where the syntax error is and exit code 1', async () => {
    const bad = join(dir, `broken-${dialect}.journey.json`);
    writeFileSync(bad, '{\n  "schemaVersion": 1,\n  "id": oops\n}\n');
    const { code, stdout, stderr } = await journey([bad, '--contacts', contactsFile]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/not valid JSON at line 3, column \d+/);
    expect(stderr).not.toMatch(noStackTrace);
  });

  it('with a journey file or a CSV that does not exist: the file named plainly and exit code 1', async () => {
    const missingCsv = join(dir, 'no-such-contacts.csv');
    const csv = await journey([journeyFile, '--contacts', missingCsv]);
    expect(csv.code).toBe(1);
    expect(csv.stdout).toBe('');
    expect(csv.stderr).toBe(`${missingCsv}: cannot read the file: no such file\n`);

    const missingJourney = join(dir, 'no-such.journey.json');
    const file = await journey([missingJourney, '--contacts', contactsFile]);
    expect(file.code).toBe(1);
    expect(file.stderr).toBe(`${missingJourney}: cannot read the file: no such file\n`);
  });

  it('with a CSV that has no phone or email column: the import problem and exit code 1, no stack trace', async () => {
    const csv = join(dir, `no-address-${dialect}.csv`);
    writeFileSync(csv, 'first_name,last_name\nAnn,Lee\n');
    const { code, stdout, stderr } = await journey([journeyFile, '--contacts', csv]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('journey simulate: The file has no phone or email column; its columns are "first_name", "last_name"\n');
  });
});
