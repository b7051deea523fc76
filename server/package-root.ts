// The folder of the package, where its examples and the built editor are. Found upwards from this module, since it
// sits in server/ when the sources run and in a chunk under dist/server/ when the compiled build does.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const packageName = 'journey-builder';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === packageName) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json of ${packageName} above ${from}: the package is not installed whole.`);
  }
}

export const packageRoot = findPackageRoot(import.meta.dirname);
