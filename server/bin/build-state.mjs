// Whether a compiled build in dist/ is there and newer than the sources it was made from. Plain JavaScript, so that the
// command's entry point can ask before anything is compiled or loaded through tsx, in a few milliseconds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const packageRoot = join(import.meta.dirname, '..', '..');

/**
 * The two parts `npm run build` makes. `sources` are what a part is made from, from the package root; a folder counts
 * every file under it but tests. `stamp` is written after a build with the moment it started, so that a source saved
 * while it ran still counts as newer.
 */
export const builds = {
  server: {
    dir: join(packageRoot, 'dist', 'server'),
    entry: join(packageRoot, 'dist', 'server', 'main.js'),
    stamp: join(packageRoot, 'dist', 'server', 'build.json'),
    sources: ['schemas', 'runtime', 'server', 'package.json', 'scripts/build-server.ts'],
  },
  editor: {
    dir: join(packageRoot, 'dist', 'editor'),
    entry: join(packageRoot, 'dist', 'editor', 'index.html'),
    stamp: join(packageRoot, 'dist', 'editor-build.json'),
    sources: ['editor/src', 'editor/index.html', 'schemas', 'vite.config.ts', 'package-lock.json'],
  },
};

/** The newest modification time under `path`, tests left out; 0 when it does not exist. */
function newestChange(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || /\.(test|e2e)\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, newestChange(join(path, entry.name)));
  }
  return newest;
}

/**
 * `missing`: never built (or the build was removed); `stale`: a source changed since; `fresh`: the build is what the
 * sources say. An installed package ships the build without the sources, so its build is fresh by definition.
 * @param {'server' | 'editor'} part
 * @returns {{ state: 'missing' | 'stale' | 'fresh', entry: string }}
 */
export function buildState(part) {
  const build = builds[part];
  if (!existsSync(build.entry) || !existsSync(build.stamp)) return { state: 'missing', entry: build.entry };
  if (!existsSync(join(packageRoot, 'server', 'cli', 'main.ts'))) return { state: 'fresh', entry: build.entry };
  let startedAt;
  try {
    startedAt = Number(JSON.parse(readFileSync(build.stamp, 'utf8')).startedAt);
  } catch {
    return { state: 'missing', entry: build.entry };
  }
  const newest = Math.max(...build.sources.map((source) => newestChange(join(packageRoot, source))));
  return { state: newest > startedAt ? 'stale' : 'fresh', entry: build.entry };
}
