// Every relative link in the README, the folders' READMEs and docs/ reaches a file of the repository, and every
// #anchor a heading of that file (GitHub's way of naming headings). Addresses on the web are not fetched.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function markdownFiles(): string[] {
  const top = ['README.md', ...['schemas', 'runtime', 'server', 'editor', 'e2e', 'scripts', 'bench'].map((d) => join(d, 'README.md'))];
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return [...top, ...docs].filter((path) => existsSync(join(root, path)));
}

/** The text outside fenced code blocks and inline code, where links and headings are read. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, (code) => ' '.repeat(code.length));
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

function linksOf(file: string): Link[] {
  const text = prose(readFileSync(join(root, file), 'utf8'));
  const links: Link[] = [];
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    links.push({ file, line: text.slice(0, match.index).split('\n').length, target: match[1]! });
  }
  return links;
}

function problemOf(link: Link): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) return undefined; // https:, mailto:
  const [path, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const target = path ? join(dirname(join(root, link.file)), decodeURIComponent(path)) : join(root, link.file);
  if (relative(root, target).startsWith('..')) return `${link.target} points outside the repository`;
  if (!existsSync(target)) return `${link.target}: no such file`;
  if (anchor === undefined || !target.endsWith('.md') || statSync(target).isDirectory()) return undefined;
  if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) return `${link.target}: no heading with the anchor #${anchor}`;
  return undefined;
}

describe('links in the documentation', () => {
  it('reach files of the repository and headings that exist', () => {
    const files = markdownFiles();
    expect(files).toContain('docs/architecture.md');
    const broken = files.flatMap(linksOf).flatMap((link) => {
      const problem = problemOf(link);
      return problem ? [`${link.file}:${link.line}: ${problem}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('name headings as GitHub does', () => {
    const anchors = anchorsOf('# Title\n## The `journey` command\n## A list of 1,000,000 rows\n```\n# not a heading\n```\n## Title\n');
    expect([...anchors]).toEqual(['title', 'the-journey-command', 'a-list-of-1000000-rows', 'title-1']);
  });
});
