// `journey validate FILE...`: the problems of each journey file, for people, pre-commit hooks and CI.
import { parseArgs } from 'node:util';
import type { Problem } from '../../../schemas/problems.ts';
import { readText, UsageError, type Io } from '../io.ts';

export const validateHelp = `journey validate FILE... [--json]
  Checks journey files. Prints each problem as FILE: <path> (node <id>): <message>.
  Exits 1 when any file has an error; warnings are printed but do not fail.`;

export async function validateCommand(args: string[], io: Io): Promise<number> {
  const { loadJourney } = await import('../../../schemas/parse.ts');
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('journey validate needs at least one file, e.g. journey validate examples/*.journey.json');

  const all: (Problem & { file: string })[] = [];
  for (const file of positionals) {
    const read = await readText(io, file);
    const problems: Problem[] = 'error' in read ? [{ severity: 'error', path: '', message: read.error }] : loadJourney(read.text).problems;
    all.push(...problems.map((p) => ({ file, ...p })));
  }

  const errors = all.filter((p) => p.severity === 'error').length;
  const warnings = all.length - errors;
  if (values.json) {
    io.out(`${JSON.stringify(all, null, 2)}\n`);
  } else {
    for (const p of all) io.out(`${formatProblem(p.file, p)}\n`);
    io.err(
      `${positionals.length} file${positionals.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
    );
  }
  return errors ? 1 : 0;
}

export function formatProblem(file: string, p: Problem): string {
  const where = [p.path, p.nodeId !== undefined ? `(node ${p.nodeId})` : ''].filter(Boolean).join(' ');
  const severity = p.severity === 'warning' ? 'warning: ' : '';
  return `${file}: ${where ? `${where}: ` : ''}${severity}${p.message}`;
}
