// `journey token create`: a token made straight in the store, which is how an admin who lost theirs gets back in.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { AuditActor } from '../../../runtime/store/repositories/audit.ts';
import { createToken, tokenRoles } from '../../../runtime/store/repositories/tokens.ts';
import type { TokenRole } from '../../../runtime/store/schema.ts';
import { UsageError, type Io } from '../io.ts';

export const tokenHelp = `journey token create --name N --role R [--database URL]
  Makes an API token in the store and prints it (it is shown this once; the store keeps only its hash). Roles:
  ${tokenRoles.join(', ')}. Run it where the server's database is to recover admin access. --database defaults
  to DATABASE_URL, else ./data/journeys.db.`;

export async function tokenCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(sub ? `unknown subcommand "${sub}"; the only one is "create"` : 'journey token needs a subcommand: create');
  const { values, positionals } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, role: { type: 'string' }, database: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}"`);
  const name = values.name?.trim();
  if (!name) throw new UsageError('--name is needed: who or what the token is for, e.g. --name ci');
  if (name.length > 100) throw new UsageError('--name is at most 100 characters');
  if (!(tokenRoles as readonly string[]).includes(values.role ?? ''))
    throw new UsageError(`--role must be one of ${tokenRoles.join(', ')}${values.role ? `, not "${values.role}"` : ''}`);
  const { openStore } = await import('../../../runtime/store/dialect.ts');
  const { migrate } = await import('../../../runtime/store/migrate.ts');
  const { recordAudit } = await import('../../../runtime/store/repositories/audit.ts');
  const store = openStore(values.database);
  try {
    await migrate(store);
    const now = Date.now();
    const made = await store.db.transaction().execute(async (tx) => {
      const token = await createToken(tx, { name, role: values.role as TokenRole, now });
      await recordAudit(tx, { at: now, actor: cliActor(), action: 'token.created', target: token.id, details: { name: token.name, role: token.role } });
      return token;
    });
    io.out(`${made.token}\n`);
    io.err(`Made the ${made.role} token "${made.name}" (id ${made.id}) in ${store.location}; it is shown only this once.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** The command line has no token: the log names the account that ran it, which is who had the database's keys. */
export function cliActor(): AuditActor {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // An account with no name in the password file (some containers): the environment may still say.
    user = process.env.USER ?? process.env.LOGNAME;
  }
  return { id: null, name: `cli:${user || 'unknown'}`, role: null };
}
