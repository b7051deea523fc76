import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getLanguageService } from 'vscode-json-languageservice';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFile, journeyJsonSchema, journeyJsonSchemaText } from './json-schema.ts';

// VS Code validates JSON files with this language service and follows a file's "$schema" relative to the file;
// doing the same here checks what a person sees in the editor.
async function vscodeDiagnostics(text: string) {
  const service = getLanguageService({
    schemaRequestService: async (uri) => readFileSync(fileURLToPath(uri), 'utf8'),
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).href },
  });
  service.configure({ validate: true, allowComments: false });
  const uri = pathToFileURL(resolve('examples/checked.journey.json')).href;
  const document = TextDocument.create(uri, 'json', 1, text);
  return service.doValidation(document, service.parseJSONDocument(document), { schemaValidation: 'error' });
}

describe('journey.schema.json', () => {
  it('is up to date with the Zod schemas (run `npm run schema:generate` when this fails)', () => {
    expect(readFileSync(jsonSchemaFile, 'utf8')).toBe(journeyJsonSchemaText());
  });

  it('describes all eleven node kinds', () => {
    const text = JSON.stringify(journeyJsonSchema());
    for (const kind of ['start', 'compliance-gate', 'dialer', 'sms', 'email', 'wait', 'wait-for-event', 'branch', 'split', 'webhook', 'end']) {
      expect(text).toContain(`"const":"${kind}"`);
    }
  });

  const examples = readdirSync('examples').filter((f) => f.endsWith('.journey.json'));
  it.each(examples)('accepts examples/%s as VS Code would', async (file) => {
    const diagnostics = await vscodeDiagnostics(readFileSync(`examples/${file}`, 'utf8'));
    expect(diagnostics.map((d) => d.message)).toEqual([]);
  });

  it('flags a ring time below the legal minimum and an unknown setting in VS Code', async () => {
    const text = JSON.stringify(
      {
        $schema: '../schemas/journey.schema.json',
        schemaVersion: 1,
        id: 'x',
        name: 'X',
        settings: { timezone: 'America/New_York', compliance: 'US' },
        nodes: {
          start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'l' } }, next: { out: 'call' } },
          call: { type: 'dialer', position: { x: 0, y: 0 }, config: { queue: 'q', callerId: '+12025550143', ringSeconds: 10, colour: 'red' } },
        },
      },
      null,
      2,
    );
    const messages = (await vscodeDiagnostics(text)).map((d) => d.message).join('\n');
    expect(messages).toMatch(/15/);
    expect(messages).toMatch(/colour/);
  });
});
