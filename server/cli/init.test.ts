import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journeyJsonSchemaText } from '../../schemas/json-schema.ts';
import type { Io } from './io.ts';
import { processIo } from './io.ts';
import { main } from './main.ts';

const run = promisify(execFile);
const journeyCommand = `node ${resolve('server/bin/journey.mjs')}`;

/** The real file system, with what the command prints kept for the test. */
function diskIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { ...processIo, out: (t) => void out.push(t), err: (t) => void err.push(t) };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('journey init', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'journey-init-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sets up a git repository of journeys whose first journey is valid, canonical and names the local schema', async () => {
    const dir = join(root, 'journeys-repo');
    const t = diskIo();
    expect(await main(['init', dir], t.io)).toBe(0);
    for (const file of [
      'README.md',
      'schemas/journey.schema.json',
      'journeys/first-journey.journey.json',
      '.githooks/pre-commit',
      '.github/workflows/journeys.yml',
    ]) {
      expect(t.stdout()).toContain(`wrote ${join(dir, file)}`);
    }
    expect(readFileSync(join(dir, 'schemas/journey.schema.json'), 'utf8')).toBe(journeyJsonSchemaText());
    const journeyPath = join(dir, 'journeys/first-journey.journey.json');
    const first = JSON.parse(readFileSync(journeyPath, 'utf8'));
    expect(resolve(dirname(journeyPath), first.$schema)).toBe(join(dir, 'schemas/journey.schema.json'));

    const check = diskIo();
    expect(await main(['validate', journeyPath], check.io)).toBe(0);
    expect(check.stderr()).toContain('1 file checked: 0 errors, 0 warnings');
    expect(await main(['fmt', '--check', journeyPath], check.io)).toBe(0);

    expect(statSync(join(dir, '.githooks/pre-commit')).mode & 0o111).toBe(0o111);
    expect((await run('git', ['-C', dir, 'config', 'core.hooksPath'])).stdout.trim()).toBe('.githooks');
    expect(t.stdout()).toContain('Made a new git repository, the pre-commit hook is on');
    const workflow = readFileSync(join(dir, '.github/workflows/journeys.yml'), 'utf8');
    expect(workflow).toContain('run: journey validate journeys/*.journey.json');
    expect(workflow).toContain('run: journey fmt --check journeys/*.journey.json');
  });

  it('refuses a folder that holds anything, and writes nothing there', async () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const t = diskIo();
    expect(await main(['init', dir], t.io)).toBe(1);
    expect(t.stderr()).toBe(
      `journey init: ${dir} is not empty (it holds notes.txt); journey init sets up a new folder and changes nothing in one that holds work: give a new or empty folder\n`,
    );
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('takes an empty folder, or one with only an empty repository in it', async () => {
    const dir = join(root, 'cloned');
    await run('git', ['init', '--quiet', dir]);
    const t = diskIo();
    expect(await main(['init', dir], t.io)).toBe(0);
    expect(t.stdout()).toContain('In the existing git repository, the pre-commit hook is on');
  });

  it('refuses a file and asks for one folder', async () => {
    const file = join(root, 'file.txt');
    writeFileSync(file, '');
    const t = diskIo();
    expect(await main(['init', file], t.io)).toBe(1);
    expect(t.stderr()).toContain(`${file} is a file, not a folder`);
    const u = diskIo();
    expect(await main(['init'], u.io)).toBe(2);
    expect(u.stderr()).toContain('journey init needs one folder');
  });

  it('its pre-commit hook refuses a staged journey with an error or out of canonical form, and lets a good one through', async () => {
    const dir = join(root, 'hooked');
    await main(['init', dir], diskIo().io);
    const git = (...args: string[]) => run('git', ['-C', dir, ...args]);
    const hook = () =>
      run(join(dir, '.githooks/pre-commit'), [], { cwd: dir, env: { ...process.env, JOURNEY: journeyCommand } }).then(
        (r) => ({ code: 0, output: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
      );
    const path = join(dir, 'journeys/first-journey.journey.json');
    const good = readFileSync(path, 'utf8');

    await git('add', '.');
    expect(await hook()).toMatchObject({ code: 0 });

    writeFileSync(path, good.replace('"body": "Hi', '"body": "", "x": "Hi'));
    await git('add', path);
    writeFileSync(path, good); // The working copy is fixed, but the staged copy is what the commit would hold.
    const broken = await hook();
    expect(broken.code).toBe(1);
    expect(broken.output).toContain("journeys/first-journey.journey.json: /nodes/welcome/config/body (node welcome): The SMS step 'welcome' has no text");
    expect(broken.output).toContain('pre-commit: fix the journeys above');

    writeFileSync(path, JSON.stringify(JSON.parse(good)));
    await git('add', path);
    const messy = await hook();
    expect(messy.code).toBe(1);
    expect(messy.output).toContain('journeys/first-journey.journey.json\n');
  }, 90_000);
});
