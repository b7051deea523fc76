// `journey diff OLD NEW`: what changed between two versions of a journey, in the terms of the journey.
import { parseArgs } from 'node:util';
import { readText, UsageError, type Io } from '../io.ts';

export const diffHelp = `journey diff OLD NEW [--json]
  Shows steps added, removed and changed (with old and new values), connections rewired, and steps only moved.
  A long text that changed is shown as a word diff: [-removed words-]{+added words+}, with … for unchanged words.
  Exits 0 whether or not the files differ.`;

export async function diffCommand(args: string[], io: Io): Promise<number> {
  const { diffJourneys, renderDiff } = await import('../../../schemas/diff.ts');
  const { parseJsonText } = await import('../../../schemas/parse.ts');
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 2) throw new UsageError('journey diff needs two files: journey diff OLD NEW');

  const docs: unknown[] = [];
  for (const file of positionals) {
    const read = await readText(io, file);
    const parsed = 'error' in read ? { problem: { message: read.error } } : parseJsonText(read.text);
    if ('problem' in parsed) {
      io.err(`${file}: ${parsed.problem.message}\n`);
      return 1;
    }
    docs.push(parsed.value);
  }
  const diff = diffJourneys(docs[0], docs[1]);
  io.out(values.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff));
  return 0;
}
