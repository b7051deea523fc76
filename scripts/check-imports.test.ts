import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImports, formatViolations, importsOf, sourceFiles, type SourceText } from './check-imports.ts';

const file = (path: string, text: string): SourceText => ({ path, text });

describe('the import rules', () => {
  it('fails on a runtime file importing server/, naming the file, the line, the path and the rule', () => {
    const violations = checkImports([
      file('runtime/engine/steps.ts', `import { z } from 'zod';\nimport { startServer } from '../../server/serve.ts';\n`),
      file('server/serve.ts', `export function startServer() {}\n`),
    ]);
    expect(violations).toEqual([
      {
        file: 'runtime/engine/steps.ts',
        line: 2,
        specifier: '../../server/serve.ts',
        target: 'server/serve.ts',
        rule: expect.stringMatching(/^runtime\/ imports schemas\/ only/),
      },
    ]);
    expect(formatViolations(violations)).toMatch(/^runtime\/engine\/steps\.ts:2 → \.\.\/\.\.\/server\/serve\.ts \(server\/serve\.ts\): runtime\//);
  });

  it('finds type-only imports, re-exports and dynamic imports of server/ from runtime/ too', () => {
    const violations = checkImports([
      file(
        'runtime/a.ts',
        [
          `import type { A } from '../server/api-types.ts';`,
          `export { b } from '../server/b.ts';`,
          `const c = await import('../server/c.ts');`,
          `type D = import('../server/d.ts').D;`,
          `import '../editor/src/main.tsx';`,
        ].join('\n'),
      ),
    ]);
    expect(violations.map((v) => `${v.line} ${v.target}`)).toEqual([
      '1 server/api-types.ts',
      '2 server/b.ts',
      '3 server/c.ts',
      '4 server/d.ts',
      '5 editor/src/main.tsx',
    ]);
  });

  it('lets the dialer import the engine for types only, while its tests may drive the engine', () => {
    const violations = checkImports([
      file(
        'runtime/dialer/agent-desk.ts',
        [
          `import type { DialerHost } from '../engine/dialer-engine.ts';`,
          `import { type RunContext } from '../engine/run-context.ts';`,
          `import { loadContacts } from '../engine/interpreter.ts';`,
          `export { startRun } from '../engine/runs.ts';`,
          `import { AgentPool } from './simulated-agents.ts';`,
          `import { toContactView } from '../contacts/contact-view.ts';`,
        ].join('\n'),
      ),
      file('runtime/dialer/agent-desk.test.ts', `import { Interpreter } from '../engine/interpreter.ts';\n`),
      file('runtime/engine/interpreter.ts', `import { PacedDialer } from '../dialer/paced-dialer.ts';\n`),
    ]);
    expect(violations.map((v) => `${v.file}:${v.line} ${v.target}`)).toEqual([
      'runtime/dialer/agent-desk.ts:3 runtime/engine/interpreter.ts',
      'runtime/dialer/agent-desk.ts:4 runtime/engine/runs.ts',
    ]);
    expect(violations[0]!.rule).toMatch(/^runtime\/dialer\/ imports runtime\/engine\/ for types only/);
  });

  it("keeps the imitation of Asterisk's REST interface to tests", () => {
    const violations = checkImports([
      file('runtime/telephony/asterisk/asterisk-carrier.test.ts', `import { AriImitation } from './ari-imitation.ts';\n`),
      file('runtime/telephony/asterisk/asterisk-carrier.ts', `import { AriImitation } from './ari-imitation.ts';\n`),
      file('server/serve.ts', `import { AriImitation } from '../runtime/telephony/asterisk/ari-imitation.ts';\n`),
    ]);
    expect(violations.map((v) => `${v.file}: ${v.rule}`)).toEqual([
      'runtime/telephony/asterisk/asterisk-carrier.ts: runtime/telephony/asterisk/ari-imitation.ts is for tests only (*.test.ts)',
      'server/serve.ts: runtime/telephony/asterisk/ari-imitation.ts is for tests only (*.test.ts)',
    ]);
  });

  it('keeps schemas/ to itself, test files included', () => {
    const violations = checkImports([
      file('schemas/validate.ts', `import { parse } from './parse.ts';\nimport { render } from '../runtime/templates/render.ts';`),
      file('schemas/validate.test.ts', `import type { ContactView } from '../runtime/nodes/types.ts';`),
    ]);
    expect(violations.map((v) => `${v.file}:${v.line}`)).toEqual(['schemas/validate.ts:2', 'schemas/validate.test.ts:1']);
  });

  it('lets the editor import server/ for types only, and never runtime/', () => {
    const violations = checkImports([
      file(
        'editor/src/api/client.ts',
        [
          `import type { RunView } from '../../../server/api-types.ts';`,
          `import { type RunMetrics, type RunStatus } from '../../../server/api-types.ts';`,
          `export type { Problem } from '../../../server/api-types.ts';`,
          `import { type RunMode, routes } from '../../../server/api-types.ts';`,
          `import type { ComplianceReport } from '../../../runtime/compliance/report.ts';`,
          `import { definitionOf } from '../../../schemas/catalogue.ts';`,
        ].join('\n'),
      ),
    ]);
    expect(violations.map((v) => `${v.line} ${v.rule}`)).toEqual([
      '4 editor/ imports server/ for types only (import type)',
      expect.stringMatching(/^5 editor\/ imports schemas\/ and, for types only, server\//),
    ]);
  });

  it('lets scripts/, bench/ and e2e/ drive the whole product, but nothing inside imports them', () => {
    const violations = checkImports([
      file('e2e/harness.ts', `const { startServer } = await import('../server/serve.ts');`),
      file('bench/dialer/shift.ts', `import { PredictivePolicy } from '../../runtime/dialer/pacing.ts';`),
      file('runtime/dialer/pacing.test.ts', `import { simulateShift } from '../../bench/dialer/shift.ts';`),
      file('scripts/bench.ts', `import { startTestServer } from '../e2e/harness.ts';\nimport { Interpreter } from '../runtime/engine/interpreter.ts';`),
      file('server/app.test.ts', `import { launchBrowser } from '../e2e/harness.ts';`),
    ]);
    expect(violations.map((v) => v.file)).toEqual(['runtime/dialer/pacing.test.ts', 'server/app.test.ts']);
  });

  it('reads .tsx and leaves packages alone', () => {
    expect(importsOf('editor/src/x.tsx', `import { useState } from 'react';\nimport { A } from './a.tsx';\nexport const X = () => <div />;`)).toEqual([
      { line: 1, specifier: 'react', typeOnly: false },
      { line: 2, specifier: './a.tsx', typeOnly: false },
    ]);
  });

  it('walks a tree for .ts and .tsx files, leaving node_modules and dist out', () => {
    const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
    try {
      const files: Record<string, string> = {
        'runtime/engine/steps.ts': `import { startServer } from '../../server/serve.ts';`,
        'server/serve.ts': `export function startServer() {}`,
        'editor/src/main.tsx': `import type { RunView } from '../../server/api-types.ts';`,
        'node_modules/x/index.ts': `import '../../server/serve.ts';`,
        'dist/editor/a.ts': `import '../../runtime/engine/steps.ts';`,
        'schemas/notes.md': `import '../server/serve.ts';`,
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const found = sourceFiles(root);
      expect(found.map((f) => f.path)).toEqual(['editor/src/main.tsx', 'runtime/engine/steps.ts', 'server/serve.ts']);
      expect(checkImports(found).map((v) => `${v.file}:${v.line} → ${v.target}`)).toEqual(['runtime/engine/steps.ts:1 → server/serve.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
