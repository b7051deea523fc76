// The `journey` command: dispatches to one module per subcommand and turns every failure into a plain message.
import { complianceCommand, complianceHelp } from './commands/compliance.ts';
import { convertCommand, convertHelp } from './commands/convert.ts';
import { diffCommand, diffHelp } from './commands/diff.ts';
import { fmtCommand, fmtHelp } from './commands/fmt.ts';
import { importCommand, importHelp } from './commands/import.ts';
import { initCommand, initHelp } from './commands/init.ts';
import { pullCommand, pullHelp } from './commands/pull.ts';
import { pushCommand, pushHelp } from './commands/push.ts';
import { simulateCommand, simulateHelp } from './commands/simulate.ts';
import { serveCommand, serveHelp, startCommand, startHelp } from './commands/serve.ts';
import { signinLinkCommand, signinLinkHelp } from './commands/signin-link.ts';
import { tokenCommand, tokenHelp } from './commands/token.ts';
import { validateCommand, validateHelp } from './commands/validate.ts';
import { workerCommand, workerHelp } from './commands/worker.ts';
import { processIo, UsageError, type Io } from './io.ts';

interface Command {
  run: (args: string[], io: Io) => Promise<number>;
  help: string;
}

const commands: Record<string, Command> = {
  validate: { run: validateCommand, help: validateHelp },
  fmt: { run: fmtCommand, help: fmtHelp },
  diff: { run: diffCommand, help: diffHelp },
  convert: { run: convertCommand, help: convertHelp },
  init: { run: initCommand, help: initHelp },
  simulate: { run: simulateCommand, help: simulateHelp },
  compliance: { run: complianceCommand, help: complianceHelp },
  import: { run: importCommand, help: importHelp },
  push: { run: pushCommand, help: pushHelp },
  pull: { run: pullCommand, help: pullHelp },
  token: { run: tokenCommand, help: tokenHelp },
  'signin-link': { run: signinLinkCommand, help: signinLinkHelp },
  serve: { run: serveCommand, help: serveHelp },
  start: { run: startCommand, help: startHelp },
  worker: { run: workerCommand, help: workerHelp },
};

export function usage(): string {
  return `Usage: journey <command> [options]\n\n${Object.values(commands)
    .map((c) => c.help)
    .join('\n\n')}\n`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`journey: unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}. Run journey --help for details.\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // parseArgs reports unknown options with a code; both kinds of mistake deserve one line, not a stack trace.
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`journey ${name}: ${(error as Error).message}\n\n${command.help}\n`);
      return 2;
    }
    io.err(`journey ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.JOURNEY_DEBUG) io.err(`${(error as Error).stack}\n`);
    return 1;
  }
}
