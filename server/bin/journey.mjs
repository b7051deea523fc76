#!/usr/bin/env node
// Entry point of the `journey` command: runs the compiled build in dist/server (npm run build makes it), which starts
// at once. In a checkout without a build, or with sources changed since it, it runs the TypeScript sources through tsx
// instead, so the command always does what the sources say.
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { buildState } from './build-state.mjs';

// Node 22.1 and later keep the compiled code of the build between runs; older versions have no such cache.
module.enableCompileCache?.();
const build = buildState('server');
let main;
if (build.state === 'fresh') {
  ({ main } = await import(pathToFileURL(build.entry).href));
} else {
  const why = build.state === 'missing' ? 'no compiled build in dist/server' : 'the sources changed since the last build';
  process.stderr.write(`journey: ${why}, so the sources run through tsx, which is slower; npm run build compiles them.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
