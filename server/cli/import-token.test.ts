import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../runtime/store/dialect.ts';
import { listAudit } from '../../runtime/store/repositories/audit.ts';
import { findToken } from '../../runtime/store/repositories/tokens.ts';
import { main } from './main.ts';
import { memoryIo } from './test-io.ts';

describe('journey import and journey token create', () => {
  let dir: string;
  let database: string;
  let csv: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'journey-import-'));
    database = join(dir, 'journeys.db');
    csv = join(dir, 'people.csv');
    writeFileSync(csv, ['Customer,Name,Cell,consent_sms', 'K1,Ann,(202) 555-0101,yes', 'K2,Bob,nonsense,yes', 'K3,Cy,202 555 0103,perhaps', ''].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const contacts = async (list: string) => {
    const store = openStore(database);
    try {
      return await store.db.selectFrom('contacts').selectAll().where('list_id', '=', list).orderBy('external_id').execute();
    } finally {
      await store.close();
    }
  };

  it('imports a CSV with column mappings and a region, printing each problem with its line', async () => {
    const t = memoryIo();
    const code = await main(
      [
        'import',
        csv,
        '--list',
        'people',
        '--region',
        'us',
        '--column',
        'externalId=Customer',
        '--column',
        'phone=Cell',
        '--column',
        'firstName=Name',
        '--database',
        database,
      ],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.stdout()).toContain(
      `${csv}:3: Cell: The row has no valid phone number or email address ("nonsense" is not a valid phone number for US); it was skipped`,
    );
    expect(t.stdout()).not.toContain(`${csv}:3: Cell: warning`);
    expect(t.stdout()).toContain(`${csv}:4: consent_sms: warning: "perhaps" is not yes or no`);
    expect(t.stderr()).toContain('3 rows: 2 new, 0 merged, 1 skipped; the list "people" has 2 contacts');
    const rows = await contacts('people');
    expect(rows.map((r) => [r.external_id, r.first_name, r.phone])).toEqual([
      ['K1', 'Ann', '+12025550101'],
      ['K3', 'Cy', '+12025550103'],
    ]);
  });

  it('merges on a second import instead of duplicating', async () => {
    const t = memoryIo();
    expect(
      await main(
        ['import', csv, '--list', 'people', '--region', 'US', '--column', 'externalId=Customer', '--column', 'phone=Cell', '--database', database],
        t.io,
      ),
    ).toBe(0);
    expect(t.stderr()).toContain('0 new, 2 merged, 1 skipped; the list "people" has 2 contacts');
  });

  it('refuses a file it cannot use with its line, and leaves no empty list behind', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'name,city\nAnn,Paris\n');
    const t = memoryIo();
    expect(await main(['import', bad, '--list', 'empty', '--database', database], t.io)).toBe(1);
    expect(t.stderr()).toContain(`${bad}:1: The file has no phone or email column`);
    const store = openStore(database);
    expect(await store.db.selectFrom('contact_lists').select('id').where('id', '=', 'empty').executeTakeFirst()).toBeUndefined();
    await store.close();

    const missing = memoryIo();
    expect(await main(['import', join(dir, 'nope.csv'), '--list', 'x', '--database', database], missing.io)).toBe(1);
    expect(missing.stderr()).toContain('nope.csv: cannot read the file: no such file');
  });

  it('gives usage errors for a missing list, a bad list name, region or mapping', async () => {
    const cases: [string[], RegExp][] = [
      [['import', csv], /needs --list NAME/],
      [['import', csv, '--list', 'My List'], /--list must be lower-case/],
      [['import', csv, '--list', 'x', '--region', 'Mars'], /--region must be a two-letter country code/],
      [['import', csv, '--list', 'x', '--column', 'mobile=Cell'], /"mobile" is not a field/],
      [['import', csv, '--list', 'x', '--column', 'phone'], /--column takes field=Header/],
      [['import', '--list', 'x'], /needs one CSV file/],
    ];
    for (const [args, message] of cases) {
      const t = memoryIo();
      expect(await main([...args, '--database', database], t.io), args.join(' ')).toBe(2);
      expect(t.stderr()).toMatch(message);
    }
  });

  it('makes a token in the store that the server will know, printing only the token on stdout', async () => {
    const t = memoryIo();
    expect(await main(['token', 'create', '--name', 'rescue', '--role', 'admin', '--database', database], t.io)).toBe(0);
    const token = t.stdout().trim();
    expect(token).toMatch(/^jt_[A-Za-z0-9_-]{40,}$/);
    expect(t.stderr()).toContain('Made the admin token "rescue"');
    const store = openStore(database);
    try {
      expect(await findToken(store.db, token)).toMatchObject({ name: 'rescue', role: 'admin' });
      const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);
      // The audit log names the account that ran the command, since the command line has no token.
      const [entry] = await listAudit(store.db, { action: 'token.created' });
      expect(entry).toMatchObject({
        actor: { id: null, name: `cli:${userInfo().username}`, role: null },
        target: rows.find((r) => r.name === 'rescue')!.id,
        details: { name: 'rescue', role: 'admin' },
      });
      expect(JSON.stringify(entry)).not.toContain(token.slice(3));
    } finally {
      await store.close();
    }
  });

  it('refuses a token without a name or with an unknown role', async () => {
    const noName = memoryIo();
    expect(await main(['token', 'create', '--role', 'admin', '--database', database], noName.io)).toBe(2);
    expect(noName.stderr()).toContain('--name is needed');
    const role = memoryIo();
    expect(await main(['token', 'create', '--name', 'x', '--role', 'boss', '--database', database], role.io)).toBe(2);
    expect(role.stderr()).toContain('--role must be one of viewer, editor, operator, agent, admin, not "boss"');
    const sub = memoryIo();
    expect(await main(['token', 'list'], sub.io)).toBe(2);
    expect(sub.stderr()).toContain('unknown subcommand "list"');
  });

  it('lists the new commands in the help', async () => {
    const t = memoryIo();
    expect(await main(['--help'], t.io)).toBe(0);
    for (const command of ['journey import CSV --list NAME', 'journey push FILE', 'journey pull ID', 'journey token create'])
      expect(t.stdout()).toContain(command);
  });
});
