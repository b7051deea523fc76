// `journey pull ID`: the server's draft or a published version of a journey, as the canonical file for a git checkout.
import { parseArgs } from 'node:util';
import { UsageError, type Io } from '../io.ts';
import { call, failure, remoteOf } from '../remote.ts';

export const pullHelp = `journey pull ID --server URL --token T [--version N] [--out FILE]
  Fetches the journey's draft, or published version N, as the canonical file (what journey fmt writes) and
  writes it to FILE, or prints it. --server and --token default to JOURNEY_SERVER and JOURNEY_TOKEN.`;

export async function pullCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { server: { type: 'string' }, token: { type: 'string' }, version: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('journey pull needs one journey id, e.g. journey pull payment-reminder');
  const version = values.version === undefined ? undefined : Number(values.version);
  if (version !== undefined && !(Number.isInteger(version) && version >= 1))
    throw new UsageError(`--version must be a version number from 1, not "${values.version}"`);
  const remote = remoteOf(values, 'journey pull');
  const id = positionals[0]!;

  const path = `/api/journeys/${encodeURIComponent(id)}${version === undefined ? '' : `/versions/${version}`}`;
  const answer = await call(remote, 'GET', path);
  if (answer.status === 404) {
    io.err(`journey pull: ${answer.body?.error?.message ?? 'not found'} on ${remote.server}\n`);
    return 1;
  }
  if (answer.status !== 200) throw failure(answer, `Fetching "${id}"`);
  const text = answer.body!.text!;
  if (values.out) {
    await io.writeFile(values.out, text);
    io.err(`Wrote ${version === undefined ? 'the draft' : `version ${version}`} of "${id}" to ${values.out}\n`);
  } else {
    io.out(text);
  }
  return 0;
}
