// Compiles the server, the runtime and the `journey` command into dist/server with esbuild, so that the command starts
// without compiling TypeScript on every run. Packages stay outside the bundle: native modules (better-sqlite3), pg and
// the rest are installed beside it by npm. Each command's modules load on demand (dynamic import() becomes a chunk),
// so `journey --help` loads almost nothing.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { builds, packageRoot } from '../server/bin/build-state.mjs';

export async function buildServer(): Promise<void> {
  const startedAt = Date.now();
  const { dir } = builds.server;
  // Built aside and moved into place, so that a command started meanwhile finds the old build or the new one whole.
  const aside = `${dir}.building-${process.pid}`;
  rmSync(aside, { recursive: true, force: true });
  try {
    await build({
      absWorkingDir: packageRoot,
      entryPoints: { main: 'server/cli/main.ts' },
      outdir: aside,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      packages: 'external',
      chunkNames: 'chunks/[name]-[hash]',
      logLevel: 'warning',
    });
    writeFileSync(join(aside, basename(builds.server.stamp)), `${JSON.stringify({ startedAt })}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(aside, dir);
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}
