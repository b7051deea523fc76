// The import rules between the project's folders (docs/architecture.md#import-rules), checked on every `npm test`.
// It parses each .ts/.tsx file with the TypeScript compiler and lists every import, re-export, dynamic import() and
// import type that crosses a boundary it may not: `npm run check:imports` exits 1 with `file:line → path (rule)`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface SourceText {
  /** The file's path from the repository's root, with forward slashes (`runtime/engine/steps.ts`). */
  path: string;
  text: string;
}

export interface ImportUse {
  line: number;
  /** The specifier as written (`../../server/serve.ts`). */
  specifier: string;
  /** Whether nothing but types comes in: `import type`, `import { type A, type B }`, `export type`, `import('x').T`. */
  typeOnly: boolean;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  /** The imported file's path from the root. */
  target: string;
  rule: string;
}

/** The top-level folders the rules speak of. `scripts/`, `bench/` and `e2e/` sit above the others and may import any of them. */
type Part = 'schemas' | 'runtime' | 'server' | 'editor' | 'scripts' | 'bench' | 'e2e' | 'root';

function partOf(path: string): Part {
  const first = path.split('/')[0];
  switch (first) {
    case 'schemas':
    case 'runtime':
    case 'server':
    case 'editor':
    case 'scripts':
    case 'bench':
    case 'e2e':
      return first;
    default:
      return 'root';
  }
}

/** The rule an import from `from` of `to` breaks, or undefined when it is allowed. Test files follow their folder's rules. */
export function ruleBroken(from: Part, to: Part, typeOnly: boolean): string | undefined {
  if (from === to) return undefined;
  switch (from) {
    case 'schemas':
      return 'schemas/ imports nothing of ours outside schemas/';
    case 'runtime':
      if (to === 'schemas') return undefined;
      return 'runtime/ imports schemas/ only (never server/, editor/, scripts/, bench/ or e2e/)';
    case 'server':
      if (to === 'schemas' || to === 'runtime') return undefined;
      return 'server/ imports schemas/ and runtime/ only (never editor/, scripts/, bench/ or e2e/)';
    case 'editor':
      if (to === 'schemas') return undefined;
      if (to === 'server' && typeOnly) return undefined;
      if (to === 'server') return 'editor/ imports server/ for types only (import type)';
      return 'editor/ imports schemas/ and, for types only, server/ (never runtime/, scripts/, bench/ or e2e/)';
    case 'scripts':
    case 'bench':
    case 'e2e':
    case 'root':
      // Benchmarks, generators, the browser tests and the top-level configs drive the whole product.
      return undefined;
  }
}

/**
 * The rule an import breaks between two folders inside a top-level one, or undefined. The dialer sees the engine only
 * through its door (`runtime/engine/dialer-engine.ts`), for types; its tests drive whole runs through the interpreter.
 * The imitation of Asterisk's REST interface stands in for a telephone network in tests, never in the product.
 */
export function innerRuleBroken(fromPath: string, toPath: string, typeOnly: boolean): string | undefined {
  const test = /\.test\.tsx?$/.test(fromPath);
  if (toPath === 'runtime/telephony/asterisk/ari-imitation.ts' && !test && !typeOnly) {
    return 'runtime/telephony/asterisk/ari-imitation.ts is for tests only (*.test.ts)';
  }
  if (fromPath.startsWith('runtime/dialer/') && !test && toPath.startsWith('runtime/engine/') && !typeOnly) {
    return 'runtime/dialer/ imports runtime/engine/ for types only (the door of dialer-engine.ts; its tests may drive the engine)';
  }
  // The dialer knows carriers by the `Carrier` interface only: which one a deployment uses is the server's choice.
  if (fromPath.startsWith('runtime/dialer/') && !test && toPath.startsWith('runtime/telephony/')) {
    return 'runtime/dialer/ never imports runtime/telephony/ (carriers are handed to the dialer through carrier.ts)';
  }
  // Telephony (runtime/telephony/ and its subfolders) speaks to the dialer through carrier.ts and never to the engine.
  if (fromPath.startsWith('runtime/telephony/') && toPath.startsWith('runtime/engine/')) {
    return 'runtime/telephony/ never imports runtime/engine/ (it meets the dialer at runtime/dialer/carrier.ts)';
  }
  if (fromPath.startsWith('runtime/telephony/') && !test && toPath.startsWith('runtime/dialer/') && !typeOnly) {
    return 'runtime/telephony/ imports runtime/dialer/ for types only (the Carrier interface of carrier.ts)';
  }
  return undefined;
}

/** Every import of a file: static, re-exports, `import x = require()`, dynamic `import()` and `import('x')` types. */
export function importsOf(fileName: string, text: string): ImportUse[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const uses: ImportUse[] = [];
  const add = (literal: ts.Node, typeOnly: boolean) => {
    if (!ts.isStringLiteralLike(literal)) return;
    const { line } = source.getLineAndCharacterOfPosition(literal.getStart(source));
    uses.push({ line: line + 1, specifier: literal.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, importIsTypeOnly(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const allTypes = !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || allTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

function importIsTypeOnly(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** The violations among the given files; `path`s are relative to the repository's root. */
export function checkImports(files: readonly SourceText[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = partOf(file.path);
    for (const use of importsOf(file.path, file.text)) {
      // Packages (bare names, `node:` modules) are not ours; only paths are.
      if (!use.specifier.startsWith('.') && !use.specifier.startsWith('/')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file.path), use.specifier));
      if (target.startsWith('../')) continue; // outside the repository
      const rule = ruleBroken(from, partOf(target), use.typeOnly) ?? innerRuleBroken(file.path, target, use.typeOnly);
      if (rule) violations.push({ file: file.path, line: use.line, specifier: use.specifier, target, rule });
    }
  }
  return violations;
}

/** The .ts and .tsx files under `root`, without node_modules, dist and hidden folders. */
export function sourceFiles(root: string): SourceText[] {
  const files: SourceText[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line} → ${v.specifier} (${v.target}): ${v.rule}`).join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(dirname(import.meta.filename), '..');
  const files = sourceFiles(root);
  const violations = checkImports(files);
  if (violations.length > 0) {
    console.error(`${violations.length} import(s) break the rules of docs/architecture.md#import-rules:\n${formatViolations(violations)}`);
    process.exit(1);
  }
  console.log(`Imports follow the rules (${files.length} files).`);
}
