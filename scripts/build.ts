// `npm run build`: the editor into dist/editor (Vite) and the server, runtime and command into dist/server (esbuild).
// `--if-stale`, which `npm start` passes, builds only the parts whose sources changed since their last build;
// `--part server` or `--part editor` builds that one alone (the process tests build the server before they start it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { builds, buildState, packageRoot, type BuildPart } from '../server/bin/build-state.mjs';
import { buildServer } from './build-server.ts';

async function buildEditor(): Promise<void> {
  const startedAt = Date.now();
  // A development build of React would be served if NODE_ENV were left at test or development.
  process.env.NODE_ENV = 'production';
  // Loaded here: building the server alone (the process tests) need not load Vite.
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(packageRoot, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(builds.editor.stamp, `${JSON.stringify({ startedAt })}\n`);
}

const parts: Record<BuildPart, () => Promise<void>> = { editor: buildEditor, server: buildServer };

// vite.config.ts names its folders from the package root.
process.chdir(packageRoot);
const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean' }, part: { type: 'string' } } });
if (values.part !== undefined && !(values.part in parts)) throw new Error(`--part must be server or editor, not "${values.part}"`);
for (const [part, make] of Object.entries(parts) as [BuildPart, () => Promise<void>][]) {
  if (values.part !== undefined && values.part !== part) continue;
  if (values['if-stale'] && buildState(part).state === 'fresh') continue;
  const started = performance.now();
  await make();
  console.log(`Built the ${part} into ${builds[part].dir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
