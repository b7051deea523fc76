// `journey signin-link`: a new sign-in link for a token, made straight in the store, for the admin whose first link
// expired or was used, or for a person an admin signs in.
import { parseArgs } from 'node:util';
import { signInCodeTtlMs } from '../../../runtime/store/repositories/sign-in.ts';
import { UsageError, type Io } from '../io.ts';
import { cliActor } from './token.ts';

export const signinLinkHelp = `journey signin-link [--name N] [--url URL] [--database URL]
  Prints a sign-in link for the token named N (default: the first admin token) that works once, within
  ${signInCodeTtlMs / 60_000} minutes; an agent's token gets a link to /agent. --url is the server's address as the
  browser reaches it (default http://localhost:PORT, PORT defaulting to 3000); --database defaults to DATABASE_URL,
  else ./data/journeys.db.`;

export async function signinLinkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, url: { type: 'string' }, database: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}"`);
  const base = (values.url ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(base)) throw new UsageError(`--url must be the server's address such as http://localhost:3000, not "${values.url}"`);
  const { openStore } = await import('../../../runtime/store/dialect.ts');
  const { migrate } = await import('../../../runtime/store/migrate.ts');
  const { recordAudit } = await import('../../../runtime/store/repositories/audit.ts');
  const { createSignInCode } = await import('../../../runtime/store/repositories/sign-in.ts');
  const store = openStore(values.database);
  try {
    await migrate(store);
    let query = store.db.selectFrom('api_tokens').select(['id', 'name', 'role']).orderBy('created_at').orderBy('id');
    query = values.name === undefined ? query.where('role', '=', 'admin') : query.where('name', '=', values.name);
    const token = await query.executeTakeFirst();
    if (!token) {
      throw new Error(
        values.name === undefined
          ? `There is no admin token in ${store.location}; make one with journey token create --name me --role admin`
          : `There is no token named "${values.name}" in ${store.location}; the names are listed by GET /api/tokens`,
      );
    }
    const now = Date.now();
    const { code } = await createSignInCode(store.db, token.id, now);
    await recordAudit(store.db, {
      at: now,
      actor: cliActor(),
      action: 'token.sign-in-link',
      target: token.id,
      details: { name: token.name, role: token.role },
    });
    io.out(`${base}${token.role === 'agent' ? '/agent' : '/'}?code=${code}\n`);
    io.err(`A link that signs in as "${token.name}" (${token.role}) once, within ${signInCodeTtlMs / 60_000} minutes.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
