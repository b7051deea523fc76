// An in-memory Io for running commands in tests.
import type { Io } from './io.ts';

export function memoryIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readFile: async (path) => {
      if (!(path in files)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return files[path]!;
    },
    writeFile: async (path, text) => {
      files[path] = text;
    },
  };
  return { io, files, stdout: () => out.join(''), stderr: () => err.join('') };
}
