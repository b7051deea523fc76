// `journey push FILE`: saves a journey file from a git checkout as the server's draft, and publishes it if asked.
import { parseArgs } from 'node:util';
import type { Problem } from '../../../schemas/problems.ts';
import { readText, UsageError, type Io } from '../io.ts';
import { call, failure, remoteOf } from '../remote.ts';
import { formatProblem } from './validate.ts';

export const pushHelp = `journey push FILE --server URL --token T [--publish --message M]
  Saves the journey file as the server's draft of the journey with its id (made if new). With --publish, also
  publishes the draft as a new version with the message. A file with errors is refused and its problems printed
  as FILE: <path> (node <id>): <message>. --server and --token default to JOURNEY_SERVER and JOURNEY_TOKEN.`;

export async function pushCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { server: { type: 'string' }, token: { type: 'string' }, publish: { type: 'boolean' }, message: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('journey push needs one journey file');
  if (values.publish && !values.message?.trim()) throw new UsageError('--publish needs --message: say what changed in a few words');
  if (values.message && !values.publish) throw new UsageError('--message goes with --publish; a draft is saved without one');
  const remote = remoteOf(values, 'journey push');
  const file = positionals[0]!;

  const { parseJsonText } = await import('../../../schemas/parse.ts');
  const read = await readText(io, file);
  const parsed = 'error' in read ? { problem: { message: read.error } } : parseJsonText(read.text);
  if ('problem' in parsed) {
    io.err(`${file}: ${parsed.problem.message}\n`);
    return 1;
  }
  const id = (parsed.value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !id) {
    io.err(`${file}: /id: the file has no journey id; give it one such as "payment-reminder"\n`);
    return 1;
  }

  const path = `/api/journeys/${encodeURIComponent(id)}`;
  const existing = await call(remote, 'GET', path);
  if (existing.status !== 200 && existing.status !== 404) throw failure(existing, `Reading the journey "${id}"`);
  const saved = existing.status === 404 ? await call(remote, 'POST', '/api/journeys', parsed.value) : await call(remote, 'PUT', path, parsed.value);
  if (saved.status === 422 || saved.status === 400) {
    const problems: Problem[] =
      saved.body?.error?.details?.problems ?? (saved.body?.error?.details?.issues ?? []).map((i) => ({ severity: 'error', path: i.path, message: i.message }));
    for (const p of problems) io.out(`${formatProblem(file, p)}\n`);
    io.err(`${file}: the server refused it: ${saved.body?.error?.message ?? 'invalid'}; nothing was saved\n`);
    return 1;
  }
  if (saved.status !== 200 && saved.status !== 201) throw failure(saved, `Saving the journey "${id}"`);
  const warnings: Problem[] = saved.body!.problems ?? [];
  for (const p of warnings) io.out(`${formatProblem(file, p)}\n`);
  io.err(
    `${existing.status === 404 ? 'Created' : 'Saved'} the draft of "${id}" on ${remote.server}${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`,
  );

  if (values.publish) {
    const published = await call(remote, 'POST', `${path}/versions`, { message: values.message });
    if (published.status !== 201 && published.status !== 200) throw failure(published, `Publishing "${id}"`);
    // 200: the draft equals the latest version, which stands; nothing new was published.
    const what = published.status === 201 ? 'Published' : 'Nothing new to publish: the draft equals';
    io.err(`${what} "${id}" version ${published.body!.version} (${published.body!.contentHash!.slice(0, 12)})\n`);
  }
  return 0;
}
