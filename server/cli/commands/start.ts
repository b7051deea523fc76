// `journey start` (what `npm start` runs): tells what the product can do today and checks the examples.
import { readdir } from 'node:fs/promises';
import { loadJourney } from '../../../schemas/parse.ts';
import { readText, type Io } from '../io.ts';

export const startHelp = `journey start
  Starts the product. The server and the editor are not built yet: for now this checks the examples
  and lists what you can do with the journey command.`;

export async function startCommand(_args: string[], io: Io): Promise<number> {
  const files = (await readdir('examples').catch(() => [] as string[])).filter((f) => f.endsWith('.journey.json')).sort();
  io.out('Outbound journey builder\n\nExamples:\n');
  for (const file of files) {
    const read = await readText(io, `examples/${file}`);
    const result = 'text' in read ? loadJourney(read.text) : undefined;
    const errors = result?.problems.filter((p) => p.severity === 'error').length ?? 1;
    io.out(`  examples/${file}  ${result?.journey ? `"${result.journey.name}", ${Object.keys(result.journey.nodes).length} steps` : `${errors} error(s)`}\n`);
  }
  io.out(
    '\nAvailable now:\n  npx journey validate examples/*.journey.json   check journey files\n  npx journey fmt --check examples/*.journey.json  check they are formatted\n  npx journey diff OLD NEW                         compare two versions\n  npx journey simulate examples/missed-payment.journey.json --contacts examples/missed-payment.contacts.csv\n                                                   play a journey on a virtual clock\n\nThe server and the canvas editor come next; see README.md.\n',
  );
  return 0;
}
