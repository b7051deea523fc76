// `journey init DIR`: sets up a new git repository of journeys, checked by a pre-commit hook and CI.
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { UsageError, type Io } from '../io.ts';
import { initLayout } from './init-layout.ts';

const run = promisify(execFile);

export const initHelp = `journey init DIR
  Sets up DIR as a git repository of journeys: a README, the journey schema (${initLayout.schema}), a first journey
  (${initLayout.firstJourney}), a pre-commit hook that runs journey validate and journey fmt --check on the staged
  journeys, and a CI workflow (${initLayout.workflow}). DIR must be new or empty.`;

export async function initCommand(args: string[], io: Io): Promise<number> {
  // Loaded here, not at the top: `journey --help` reads every command's help and should load none of this.
  const { initFiles } = await import('./init-files.ts');
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('journey init needs one folder, e.g. journey init journeys-repo');
  const dir = positionals[0]!;

  const refusal = await whyNotUsable(dir);
  if (refusal) {
    io.err(`journey init: ${refusal}\n`);
    return 1;
  }
  for (const file of initFiles()) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text, 'utf8');
    if (file.executable) await chmod(path, 0o755);
    io.out(`wrote ${path}\n`);
  }
  const git = await setUpGit(dir);
  io.out(`${git}\n`);
  io.out(`\nNext: read ${join(dir, initLayout.readme)}, then journey validate ${join(dir, 'journeys')}/*.journey.json\n`);
  return 0;
}

/**
 * Why the folder cannot take a new repository, or undefined when it is new or empty. Only a `.git` of its own may be
 * there already (a clone of an empty repository); anything else is someone's work, which init will not mix with.
 */
async function whyNotUsable(dir: string): Promise<string | undefined> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is a file, not a folder; give a new folder for the journeys`;
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const others = entries.filter((name) => name !== '.git');
  if (!others.length) return undefined;
  const shown = others.sort().slice(0, 5).join(', ');
  return `${dir} is not empty (it holds ${shown}${others.length > 5 ? `, and ${others.length - 5} more` : ''}); journey init sets up a new folder and changes nothing in one that holds work: give a new or empty folder`;
}

/** Makes the folder a git repository (unless it is one) whose hooks are the committed .githooks; says what it did. */
async function setUpGit(dir: string): Promise<string> {
  const hooksPath = dirname(initLayout.hook);
  try {
    const hasGit = await stat(join(dir, '.git')).then(
      () => true,
      () => false,
    );
    if (!hasGit) await run('git', ['init', '--quiet', dir]);
    await run('git', ['-C', dir, 'config', 'core.hooksPath', hooksPath]);
    return `${hasGit ? 'In the existing' : 'Made a new'} git repository, the pre-commit hook is on (core.hooksPath ${hooksPath})`;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return `${missing ? 'git was not found' : `git failed: ${(error as Error).message.trim()}`}; to turn the hook on later: cd ${dir} && git init && git config core.hooksPath ${hooksPath}`;
  }
}
