// `journey fmt FILE... [--check]`: rewrites journey files in their canonical form, or lists those that are not.
import { parseArgs } from 'node:util';
import { readText, UsageError, type Io } from '../io.ts';

export const fmtHelp = `journey fmt FILE... [--check]
  Rewrites journey files in the canonical form (the form the editor saves).
  --check  changes nothing; lists the files that are not canonical and exits 1 if there are any.`;

export async function fmtCommand(args: string[], io: Io): Promise<number> {
  const { formatJourney } = await import('../../../schemas/format.ts');
  const { parseJsonText } = await import('../../../schemas/parse.ts');
  const { values, positionals } = parseArgs({ args, options: { check: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('journey fmt needs at least one file, e.g. journey fmt examples/*.journey.json');

  let failed = 0;
  let notCanonical = 0;
  for (const file of positionals) {
    const read = await readText(io, file);
    if ('error' in read) {
      io.err(`${file}: ${read.error}\n`);
      failed++;
      continue;
    }
    const parsed = parseJsonText(read.text);
    if ('problem' in parsed) {
      io.err(`${file}: ${parsed.problem.message}\n`);
      failed++;
      continue;
    }
    const formatted = formatJourney(parsed.value);
    if (formatted === read.text) continue;
    notCanonical++;
    if (values.check) {
      io.out(`${file}\n`);
    } else {
      await io.writeFile(file, formatted);
      io.err(`formatted ${file}\n`);
    }
  }
  if (values.check && notCanonical) {
    io.err(`${notCanonical} file${notCanonical === 1 ? ' is' : 's are'} not formatted; run journey fmt on ${notCanonical === 1 ? 'it' : 'them'}\n`);
  }
  return failed || (values.check && notCanonical) ? 1 : 0;
}
